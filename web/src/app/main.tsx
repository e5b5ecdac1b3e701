import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Router } from 'wouter';
import { detectLanguage } from '../lib/i18n/i18n-context';
import { loadMessages } from '../lib/i18n/load-messages';
import { applyTheme, followSystemTheme, readThemeChoice } from '../lib/theme';
import { createApp } from './create-app';
import './styles.css';

applyTheme(readThemeChoice());
followSystemTheme();

// A Russian reader's words load before the first render, so the page never flashes English.
const language = detectLanguage();
await loadMessages(language).catch(() => undefined);
const { element } = createApp(Router, { language });

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');
createRoot(root).render(<StrictMode>{element}</StrictMode>);
