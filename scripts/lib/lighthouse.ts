// Lighthouse on a page as the issue asks: the default (mobile) preset, simulated throttling,
// Debian's Chromium, performance and accessibility only. Chromium is started by playwright-core
// with a debugging port Lighthouse attaches to, so there is one way to launch a browser here.
import lighthouse from 'lighthouse';
import { launchBrowser } from './browser.ts';
import { freePort } from './course-server.ts';
import { LIGHTHOUSE_ATTEMPTS, LighthouseRunError, retryTransient } from './lighthouse-retry.ts';

export interface LighthouseFigures {
  performance: number;
  accessibility: number;
  lcpMs: number;
  clsScore: number;
  failedAudits: string[];
}

async function runOnce(url: string): Promise<LighthouseFigures> {
  const port = await freePort();
  const browser = await launchBrowser([`--remote-debugging-port=${port}`]);
  try {
    const result = await lighthouse(url, { port, output: 'json', logLevel: 'error', onlyCategories: ['performance', 'accessibility'] });
    if (!result) throw new Error(`Lighthouse returned nothing for ${url}`);
    const { lhr } = result;
    if (lhr.runtimeError) throw new LighthouseRunError(lhr.runtimeError.code, lhr.runtimeError.message);
    const score = (id: string) => lhr.categories[id]?.score ?? 0;
    const failedAudits = Object.values(lhr.audits)
      .filter((audit) => audit.score !== null && audit.score < 0.9 && audit.scoreDisplayMode !== 'informative' && audit.scoreDisplayMode !== 'manual')
      .map((audit) => `${audit.id}: ${audit.displayValue ?? audit.score}`);
    return {
      performance: score('performance'),
      accessibility: score('accessibility'),
      lcpMs: lhr.audits['largest-contentful-paint']?.numericValue ?? NaN,
      clsScore: lhr.audits['cumulative-layout-shift']?.numericValue ?? NaN,
      failedAudits,
    };
  } finally {
    await browser.close();
  }
}

export function runLighthouse(url: string): Promise<LighthouseFigures> {
  return retryTransient(
    () => runOnce(url),
    LIGHTHOUSE_ATTEMPTS,
    (code) => console.log(`Lighthouse: ${code} (a trace that went wrong, as Lighthouse says): running it again`),
  );
}
