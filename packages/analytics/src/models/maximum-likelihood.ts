import {
  minimizeBfgs,
  minimizeNelderMead,
  numericalGradient,
  standardErrorsFromLogHessian,
  type ValueAndGradient,
} from './optimize.ts';

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

/** ln L(θ) that also writes ∂ln L/∂θ into `gradient`. */
export type LogLikelihoodWithGradient = (theta: Float64Array, gradient: Float64Array) => number;

/**
 * Maximises logLikelihood(θ) over θ > 0 on log θ: BFGS (analytic gradient when given, central
 * differences otherwise), then Nelder–Mead from there if BFGS did not converge. Standard errors
 * come from the numerical Hessian at the optimum.
 */
export function maximizeOnLogScale(
  logLikelihood: (theta: Float64Array) => number,
  start: readonly number[],
  options: FitOptions = {},
  withGradient?: LogLikelihoodWithGradient,
): LogScaleFit {
  const k = start.length;
  const theta = new Float64Array(k);
  const thetaGradient = new Float64Array(k);
  const inBox = (u: Float64Array): boolean => {
    for (let i = 0; i < k; i++) {
      const value = u[i] ?? 0;
      if (!(Math.abs(value) <= LOG_BOUND)) return false;
      theta[i] = Math.exp(value);
    }
    return true;
  };
  const negative = (u: Float64Array): number => (inBox(u) ? -logLikelihood(theta) : Infinity);
  const analytic: ValueAndGradient | undefined = withGradient
    ? (u, gradient) => {
        if (!inBox(u)) return Infinity;
        const value = withGradient(theta, thetaGradient);
        for (let i = 0; i < k; i++) gradient[i] = -(thetaGradient[i] ?? 0) * (theta[i] ?? 0);
        return -value;
      }
    : undefined;
  const maxEvaluations = options.maxEvaluations ?? 4000;
  const startU = start.map((value) => Math.log(value));
  const scale = Math.max(1, Math.abs(negative(Float64Array.from(startU))));
  const bfgs = minimizeBfgs(analytic ?? numericalGradient(negative), startU, {
    maxEvaluations: Math.floor(maxEvaluations / (analytic ? 1 : 2 * k + 1)),
    gradientTolerance: Number.isFinite(scale) ? 1e-9 * scale : 1e-6,
  });
  let result = bfgs;
  let evaluations = analytic ? bfgs.evaluations : bfgs.evaluations * (2 * k + 1);
  if (!bfgs.converged) {
    const polish = minimizeNelderMead(negative, bfgs.x, {
      maxEvaluations: Math.max(50, maxEvaluations - evaluations),
      fTolerance: 1e-9,
      xTolerance: 1e-9,
      initialStep: 0.1,
    });
    evaluations += polish.evaluations;
    result = polish.value <= bfgs.value ? polish : { ...bfgs, converged: false };
  }
  const atBound = Array.from(result.x).some((u) => Math.abs(u) > LOG_BOUND - 1);
  const standardErrors = atBound ? null : standardErrorsFromLogHessian(negative, result.x);
  return {
    values: result.x.map((u) => Math.exp(u)),
    logLikelihood: -result.value,
    standardErrors,
    converged: result.converged && Number.isFinite(result.value),
    evaluations,
  };
}
