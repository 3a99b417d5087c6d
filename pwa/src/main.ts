// Entry point. The service worker is registered by vite-plugin-pwa's registerSW.js.
import "./styles.css";
import { startApp } from "./app";

const root = document.getElementById("app");
if (root) startApp(root);
