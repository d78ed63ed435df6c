import { inject, injectable, type InjectionToken } from 'tsyringe';
import {
  parsePricingConfig,
  type ConfigLoader,
  type PricingConfig,
} from './config-loader';

/**
 * Where the AWS AppConfig Agent Lambda extension serves the pricing
 * configuration: it runs beside the function, polls AppConfig in the
 * background and answers from its cache on localhost:2772.
 * https://docs.aws.amazon.com/appconfig/latest/userguide/appconfig-integration-lambda-extensions-how-it-works.html
 */
export const APPCONFIG_AGENT_URL =
  'http://localhost:2772/applications/pricing/environments/default/' +
  'configurations/pricing';

/**
 * Token of the URL the {@link AppConfigLoader} reads.
 *
 * @example
 * ```ts
 * providers: [{ token: CONFIG_URL, useValue: 'http://127.0.0.1:8080/pricing' }]
 * ```
 */
export const CONFIG_URL: InjectionToken<string> = Symbol.for(
  'lambda-lifecycle/samples/config-url',
);

// A loader that hangs would take the invocation's whole timeout with it.
const LOAD_TIMEOUT_MS = 2_000;

/**
 * Loads the pricing configuration over HTTP, by default from the AppConfig
 * agent extension. The configuration's version is the agent's
 * `Configuration-Version` header, or the document's own `version`.
 *
 * @example
 * ```ts
 * const config = await new AppConfigLoader(APPCONFIG_AGENT_URL).load();
 * ```
 */
@injectable()
export class AppConfigLoader implements ConfigLoader {
  constructor(@inject(CONFIG_URL) private readonly url: string) {}

  /**
   * Phase: the invocation that finds the configuration missing or expired.
   * Rejects, naming the URL, when the request fails, times out, answers
   * other than 2xx, or returns a document that is not a valid
   * configuration.
   */
  async load(): Promise<PricingConfig> {
    let response: Response;
    try {
      response = await fetch(this.url, {
        signal: AbortSignal.timeout(LOAD_TIMEOUT_MS),
      });
    } catch (error) {
      throw new Error(
        `pricing configuration from ${this.url}: request failed: ` +
          (error instanceof Error ? error.message : String(error)),
        { cause: error },
      );
    }
    const text = await response.text();
    if (!response.ok) {
      throw new Error(
        `pricing configuration from ${this.url}: HTTP ${response.status} ` +
          text.slice(0, 200),
      );
    }

    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch {
      throw new Error(`pricing configuration from ${this.url}: not JSON`);
    }
    const version = response.headers.get('configuration-version');
    const versioned =
      version && typeof document === 'object' && document !== null
        ? { ...document, version }
        : document;
    return parsePricingConfig(versioned, this.url);
  }
}
