import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter } from 'react-router';
import { applyTheme, followSystemTheme, readThemeChoice } from '../lib/theme';
import { createApp } from './create-app';
import { appRoutes } from './routes';
import './styles.css';

applyTheme(readThemeChoice());
followSystemTheme();

const router = createBrowserRouter(appRoutes);
const { element } = createApp(router);

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');
createRoot(root).render(<StrictMode>{element}</StrictMode>);
