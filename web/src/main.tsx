import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { initApi } from './api/client.ts';
import { loadConfig } from './config.ts';

const root = createRoot(document.getElementById('root') as HTMLElement);

loadConfig()
  .then((config) => {
    initApi(config.apiUrl);
    root.render(<App config={config} />);
  })
  .catch((error: Error) => {
    // Without its configuration the console cannot know where the API or the sign-in is.
    root.render(
      <main style={{ padding: 32, fontFamily: 'sans-serif' }}>
        <h1>控制台配置无法读取 · The console's configuration could not be read</h1>
        <p>{error.message}</p>
      </main>,
    );
  });
