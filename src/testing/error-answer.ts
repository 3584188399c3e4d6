// The emulator's error answers: what a handler throws to answer 4xx, DRF-style. Named apart
// from the SDK's APIError, which is what a client sees when it receives one.

/** A finished error answer. Handlers throw it; the server turns it into JSON. */
export class ErrorAnswer extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof body === 'object' && body && 'detail' in body ? String(body.detail) : `HTTP ${status}`);
  }
}

export const notFound = (detail = 'Not found.') => new ErrorAnswer(404, { detail });
