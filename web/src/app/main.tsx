import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { applyTheme, followSystemTheme, readThemeChoice } from '../lib/theme';
import { createApp } from './create-app';
import './styles.css';

applyTheme(readThemeChoice());
followSystemTheme();

const { element } = createApp(BrowserRouter);

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');
createRoot(root).render(<StrictMode>{element}</StrictMode>);
