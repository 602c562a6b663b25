import { chromium, type Browser } from 'playwright-core';

/** The system's Chromium, headless, with its background traffic off (CI installs it; CHROMIUM_PATH overrides). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
