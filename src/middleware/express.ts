// paritydeals-sdk/express: requireEntitlement for Express. It imports Express's types only, so
// nothing here loads Express (an optional peer dependency).

import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { type GrantedEntitlement, makeGate, type RequireEntitlementOptions } from './gate.js';

export type {
  Denial,
  DeniedResponse,
  GateClient,
  GrantedEntitlement,
  Meterable,
  MeterOptions,
  RequireEntitlementOptions,
  UnavailableMode,
  UnrecordedUsage,
} from './gate.js';
export { defaultDenied } from './gate.js';

declare global {
  namespace Express {
    interface Request {
      /** Set by `requireEntitlement` when it let the request through. */
      entitlement?: GrantedEntitlement;
    }
  }
}

/**
 * Lets a request through only when its customer has the feature, checked through the client's
 * entitlement cache (a cached customer costs no request). Granted: `req.entitlement` holds the
 * answer and the next handler runs. Refused: 403 with a JSON body (401 when `customerId` gives
 * nothing, 503 when ParityDeals cannot be reached and nothing answers for it; see
 * `whenUnavailable`). Any other failure (a bad access token) goes to `next(error)`. With `meter`,
 * each let-through request whose response succeeds records a DELTA once the response is sent.
 *
 * @example
 * app.get('/reports', requireEntitlement('premium-reporting', { client, customerId: (req) => req.user?.id }), handler);
 */
export function requireEntitlement<Req extends Request = Request>(
  featureId: string,
  options: RequireEntitlementOptions<Req>,
): RequestHandler {
  const gate = makeGate(featureId, options);
  const handler = (req: Req, res: Response, next: NextFunction): void => {
    gate.decide(req).then((decision) => {
      if (!decision.granted) {
        // Thrown here (a status Express refuses, a body JSON cannot hold, headers already sent),
        // it would reject a promise nobody awaits, which ends a Node process: the app's error
        // handler gets it instead. Not around next(): Express catches its handlers' throws.
        try {
          res.status(decision.response.status).json(decision.response.body);
        } catch (error) {
          next(error);
        }
        return;
      }
      req.entitlement = decision.grant;
      const { record } = gate;
      if (record && decision.meterValue !== undefined) {
        const value = decision.meterValue;
        // 'finish': the whole response was handed to the OS. An aborted response counts nothing.
        res.once('finish', () => record(decision.grant, value, res.statusCode));
      }
      next();
    }, next);
  };
  return handler as unknown as RequestHandler;
}
