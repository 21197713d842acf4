import { minimizeNelderMead, standardErrorsFromLogHessian } from './optimize.ts';

/** How a maximum-likelihood fit went; the log-likelihood is the full, unscaled sum. */
export interface FitDiagnostics<P> {
  readonly logLikelihood: number;
  /** Asymptotic standard errors from the numerical Hessian; null at a boundary optimum. */
  readonly standardErrors: P | null;
  readonly converged: boolean;
  readonly evaluations: number;
  /** Total customer weight the model was fitted on. */
  readonly customers: number;
}

export interface FitOptions {
  /** Hard cap on likelihood evaluations (default 4000). */
  readonly maxEvaluations?: number;
}

// Parameters are positive; the search runs on their logarithms inside this box so a degenerate
// data set drives them to a bound instead of to 0, ∞ or NaN.
const LOG_BOUND = 23;

export interface LogScaleFit {
  readonly values: Float64Array;
  readonly logLikelihood: number;
  readonly standardErrors: Float64Array | null;
  readonly converged: boolean;
  readonly evaluations: number;
}

/** Maximises logLikelihood(θ) over θ > 0 by Nelder–Mead on log θ, with Hessian-based SEs. */
export function maximizeOnLogScale(
  logLikelihood: (theta: Float64Array) => number,
  start: readonly number[],
  options: FitOptions = {},
): LogScaleFit {
  const theta = new Float64Array(start.length);
  const negative = (u: Float64Array): number => {
    for (let i = 0; i < u.length; i++) {
      const value = u[i] ?? 0;
      if (!(Math.abs(value) <= LOG_BOUND)) return Infinity;
      theta[i] = Math.exp(value);
    }
    return -logLikelihood(theta);
  };
  const result = minimizeNelderMead(
    negative,
    start.map((value) => Math.log(value)),
    { maxEvaluations: options.maxEvaluations ?? 4000, fTolerance: 1e-9, xTolerance: 1e-9 },
  );
  const atBound = Array.from(result.x).some((u) => Math.abs(u) > LOG_BOUND - 1);
  const standardErrors = atBound ? null : standardErrorsFromLogHessian(negative, result.x);
  return {
    values: result.x.map((u) => Math.exp(u)),
    logLikelihood: -result.value,
    standardErrors,
    converged: result.converged && Number.isFinite(result.value),
    evaluations: result.evaluations,
  };
}
