// Hand-written optimiser: no maintained, dependency-free JavaScript library offers a robust
// Nelder–Mead with iteration caps and a numerical Hessian, and the package has no runtime deps.

export interface MinimizeOptions {
  /** Stop when the spread of function values in the simplex is below this (absolute). */
  readonly fTolerance?: number;
  /** Stop when the simplex diameter is below this. */
  readonly xTolerance?: number;
  /** Hard cap on function evaluations (the optimiser never hangs). */
  readonly maxEvaluations?: number;
  /** Initial simplex step along each coordinate. */
  readonly initialStep?: number;
  /** Number of restarts from the best point (guards against a collapsed simplex). */
  readonly restarts?: number;
}

export interface MinimizeResult {
  readonly x: Float64Array;
  readonly value: number;
  readonly evaluations: number;
  readonly converged: boolean;
}

/**
 * Nelder–Mead minimisation with the adaptive coefficients of Gao & Han (2012), which behave
 * better than the classic ones beyond two dimensions. Non-finite values count as +∞, so the
 * objective may return NaN or ∞ outside its domain.
 */
export function minimizeNelderMead(
  f: (x: Float64Array) => number,
  start: ArrayLike<number>,
  options: MinimizeOptions = {},
): MinimizeResult {
  const fTol = options.fTolerance ?? 1e-10;
  const xTol = options.xTolerance ?? 1e-9;
  const maxEvaluations = options.maxEvaluations ?? 5000;
  const restarts = options.restarts ?? 2;
  let evaluations = 0;
  const evaluate = (x: Float64Array): number => {
    evaluations++;
    const value = f(x);
    return Number.isFinite(value) ? value : Infinity;
  };

  let best: Float64Array = Float64Array.from(start);
  let bestValue = evaluate(best);
  let converged = false;
  for (let round = 0; round <= restarts && evaluations < maxEvaluations; round++) {
    const result = nelderMeadRound(evaluate, best, bestValue, options.initialStep ?? 0.5, {
      fTol,
      xTol,
      budget: () => evaluations < maxEvaluations,
    });
    const improved = bestValue - result.value;
    best = result.x;
    bestValue = result.value;
    converged = result.converged;
    // A restart that gains nothing means the minimum is confirmed.
    if (round > 0 && improved <= fTol) break;
  }
  return { x: best, value: bestValue, evaluations, converged };
}

function nelderMeadRound(
  evaluate: (x: Float64Array) => number,
  start: Float64Array,
  startValue: number,
  step: number,
  limits: { fTol: number; xTol: number; budget: () => boolean },
): { x: Float64Array; value: number; converged: boolean } {
  const n = start.length;
  const alpha = 1;
  const beta = 1 + 2 / n;
  const gamma = 0.75 - 1 / (2 * n);
  const delta = 1 - 1 / n;
  const points: Float64Array[] = [Float64Array.from(start)];
  const values: number[] = [startValue];
  for (let i = 0; i < n; i++) {
    const p = Float64Array.from(start);
    p[i] = (p[i] ?? 0) + step;
    points.push(p);
    values.push(evaluate(p));
  }
  const order = Array.from({ length: n + 1 }, (_, i) => i);
  const centroid = new Float64Array(n);
  const trial = (from: Float64Array, towards: Float64Array, coefficient: number): Float64Array => {
    const out = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      out[j] = (from[j] ?? 0) + coefficient * ((towards[j] ?? 0) - (from[j] ?? 0));
    }
    return out;
  };
  const at = (i: number): Float64Array => points[order[i] ?? 0] ?? start;
  const valueAt = (i: number): number => values[order[i] ?? 0] ?? Infinity;
  const replaceWorst = (p: Float64Array, v: number): void => {
    const worst = order[n] ?? 0;
    points[worst] = p;
    values[worst] = v;
  };

  while (limits.budget()) {
    order.sort((i, j) => (values[i] ?? Infinity) - (values[j] ?? Infinity));
    const fBest = valueAt(0);
    const fWorst = valueAt(n);
    let diameter = 0;
    for (let i = 1; i <= n; i++) {
      for (let j = 0; j < n; j++) {
        diameter = Math.max(diameter, Math.abs((at(i)[j] ?? 0) - (at(0)[j] ?? 0)));
      }
    }
    if (Math.abs(fWorst - fBest) <= limits.fTol && diameter <= limits.xTol * 1e3) {
      return { x: at(0), value: fBest, converged: true };
    }
    if (diameter <= limits.xTol) return { x: at(0), value: fBest, converged: true };

    centroid.fill(0);
    for (let i = 0; i < n; i++) {
      const p = at(i);
      for (let j = 0; j < n; j++) centroid[j] = (centroid[j] ?? 0) + (p[j] ?? 0) / n;
    }
    const worst = at(n);
    const reflected = trial(centroid, worst, -alpha);
    const fReflected = evaluate(reflected);
    if (fReflected < fBest) {
      const expanded = trial(centroid, worst, -alpha * beta);
      const fExpanded = evaluate(expanded);
      if (fExpanded < fReflected) replaceWorst(expanded, fExpanded);
      else replaceWorst(reflected, fReflected);
      continue;
    }
    if (fReflected < valueAt(n - 1)) {
      replaceWorst(reflected, fReflected);
      continue;
    }
    if (fReflected < fWorst) {
      const outside = trial(centroid, worst, -alpha * gamma);
      const fOutside = evaluate(outside);
      if (fOutside <= fReflected) {
        replaceWorst(outside, fOutside);
        continue;
      }
    } else {
      const inside = trial(centroid, worst, gamma);
      const fInside = evaluate(inside);
      if (fInside < fWorst) {
        replaceWorst(inside, fInside);
        continue;
      }
    }
    // Shrink towards the best point.
    const bestPoint = at(0);
    for (let i = 1; i <= n; i++) {
      const index = order[i] ?? 0;
      const shrunk = trial(bestPoint, points[index] ?? bestPoint, delta);
      points[index] = shrunk;
      values[index] = evaluate(shrunk);
    }
  }
  order.sort((i, j) => (values[i] ?? Infinity) - (values[j] ?? Infinity));
  return { x: at(0), value: valueAt(0), converged: false };
}

/** Central-difference Hessian of f at x with per-coordinate step h. */
export function numericalHessian(
  f: (x: Float64Array) => number,
  x: ArrayLike<number>,
  h = 1e-3,
): Float64Array[] {
  const n = x.length;
  const base = Float64Array.from(x);
  const f0 = f(base);
  const shifted = (i: number, di: number, j: number, dj: number): number => {
    const p = Float64Array.from(base);
    p[i] = (p[i] ?? 0) + di;
    p[j] = (p[j] ?? 0) + dj;
    return f(p);
  };
  const hessian = Array.from({ length: n }, () => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    const row = hessian[i];
    if (row === undefined) continue;
    row[i] = (shifted(i, h, i, 0) - 2 * f0 + shifted(i, -h, i, 0)) / (h * h);
    for (let j = 0; j < i; j++) {
      const value =
        (shifted(i, h, j, h) -
          shifted(i, h, j, -h) -
          shifted(i, -h, j, h) +
          shifted(i, -h, j, -h)) /
        (4 * h * h);
      row[j] = value;
      const other = hessian[j];
      if (other !== undefined) other[i] = value;
    }
  }
  return hessian;
}

/** Inverse of a symmetric positive-definite matrix by Cholesky; null when not positive definite. */
export function invertSymmetricPositiveDefinite(
  matrix: readonly Float64Array[],
): Float64Array[] | null {
  const n = matrix.length;
  const l = Array.from({ length: n }, () => new Float64Array(n));
  const get = (m: readonly Float64Array[], i: number, j: number): number => m[i]?.[j] ?? 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = get(matrix, i, j);
      for (let k = 0; k < j; k++) sum -= get(l, i, k) * get(l, j, k);
      const row = l[i];
      if (row === undefined) return null;
      if (i === j) {
        if (!(sum > 0) || !Number.isFinite(sum)) return null;
        row[i] = Math.sqrt(sum);
      } else {
        row[j] = sum / get(l, j, j);
      }
    }
  }
  // Invert L (lower triangular), then A⁻¹ = L⁻ᵀ L⁻¹.
  const inverseL = Array.from({ length: n }, () => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    const row = inverseL[i];
    if (row === undefined) return null;
    row[i] = 1 / get(l, i, i);
    for (let j = 0; j < i; j++) {
      let sum = 0;
      for (let k = j; k < i; k++) sum -= get(l, i, k) * get(inverseL, k, j);
      row[j] = sum / get(l, i, i);
    }
  }
  const inverse = Array.from({ length: n }, () => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let k = Math.max(i, j); k < n; k++) sum += get(inverseL, k, i) * get(inverseL, k, j);
      const row = inverse[i];
      if (row !== undefined) row[j] = sum;
    }
  }
  return inverse;
}

/**
 * Standard errors of positive parameters θ = exp(u) from the Hessian of the negative
 * log-likelihood in u at the optimum: SE(θᵢ) = θᵢ·√(H⁻¹)ᵢᵢ (delta method, exact to first order
 * at a stationary point). Null when the Hessian is not positive definite (a boundary optimum).
 */
export function standardErrorsFromLogHessian(
  negativeLogLikelihood: (u: Float64Array) => number,
  logParameters: Float64Array,
): Float64Array | null {
  const inverse = invertSymmetricPositiveDefinite(
    numericalHessian(negativeLogLikelihood, logParameters),
  );
  if (inverse === null) return null;
  const errors = new Float64Array(logParameters.length);
  for (let i = 0; i < errors.length; i++) {
    const variance = inverse[i]?.[i] ?? NaN;
    const value = Math.exp(logParameters[i] ?? 0) * Math.sqrt(variance);
    if (!Number.isFinite(value)) return null;
    errors[i] = value;
  }
  return errors;
}

export interface BfgsOptions {
  /** Stop when every |gradient component| is below this. */
  readonly gradientTolerance?: number;
  /** Stop when an iteration improves f by less than this relative amount. */
  readonly relativeTolerance?: number;
  readonly maxIterations?: number;
  /** Hard cap on function (and gradient) evaluations. */
  readonly maxEvaluations?: number;
  /** Largest step in any coordinate per iteration. */
  readonly maxStep?: number;
}

/**
 * Writes the gradient of f at x into `gradient` and returns f(x). Non-finite values mean "outside
 * the domain".
 */
export type ValueAndGradient = (x: Float64Array, gradient: Float64Array) => number;

/** Central-difference gradient of f, for objectives without an analytic gradient. */
export function numericalGradient(f: (x: Float64Array) => number, h = 1e-5): ValueAndGradient {
  return (x, gradient) => {
    const value = f(x);
    const probe = Float64Array.from(x);
    for (let i = 0; i < x.length; i++) {
      const xi = x[i] ?? 0;
      probe[i] = xi + h;
      const up = f(probe);
      probe[i] = xi - h;
      const down = f(probe);
      probe[i] = xi;
      gradient[i] = (up - down) / (2 * h);
    }
    return value;
  };
}

/**
 * BFGS quasi-Newton minimisation with a backtracking (Armijo) line search. Needs far fewer
 * evaluations than Nelder–Mead on smooth likelihoods, which matters on a million customers.
 */
export function minimizeBfgs(
  fg: ValueAndGradient,
  start: ArrayLike<number>,
  options: BfgsOptions = {},
): MinimizeResult {
  const n = start.length;
  const gradientTolerance = options.gradientTolerance ?? 1e-6;
  const relativeTolerance = options.relativeTolerance ?? 1e-13;
  const maxIterations = options.maxIterations ?? 500;
  const maxEvaluations = options.maxEvaluations ?? 2000;
  const maxStep = options.maxStep ?? 2;
  let evaluations = 0;
  let x = Float64Array.from(start);
  let g = new Float64Array(n);
  evaluations++;
  let f = fg(x, g);
  if (!Number.isFinite(f) || !g.every(Number.isFinite)) {
    return { x, value: Number.isFinite(f) ? f : Infinity, evaluations, converged: false };
  }
  // Inverse Hessian approximation, row-major.
  const h = new Float64Array(n * n);
  for (let i = 0; i < n; i++) h[i * n + i] = 1;
  const direction = new Float64Array(n);
  const trial = new Float64Array(n);
  let trialGradient = new Float64Array(n);
  const s = new Float64Array(n);
  const y = new Float64Array(n);
  const hy = new Float64Array(n);
  let quietIterations = 0;
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    let largestGradient = 0;
    for (let i = 0; i < n; i++) largestGradient = Math.max(largestGradient, Math.abs(g[i] ?? 0));
    if (largestGradient < gradientTolerance) return { x, value: f, evaluations, converged: true };
    let slope = 0;
    let largestMove = 0;
    for (let i = 0; i < n; i++) {
      let d = 0;
      for (let j = 0; j < n; j++) d -= (h[i * n + j] ?? 0) * (g[j] ?? 0);
      direction[i] = d;
      slope += d * (g[i] ?? 0);
      largestMove = Math.max(largestMove, Math.abs(d));
    }
    if (!(slope < 0)) {
      // Not a descent direction: restart from steepest descent.
      h.fill(0);
      for (let i = 0; i < n; i++) h[i * n + i] = 1;
      slope = 0;
      largestMove = 0;
      for (let i = 0; i < n; i++) {
        direction[i] = -(g[i] ?? 0);
        slope -= (g[i] ?? 0) ** 2;
        largestMove = Math.max(largestMove, Math.abs(g[i] ?? 0));
      }
    }
    let step = largestMove > maxStep ? maxStep / largestMove : 1;
    let accepted = false;
    let fTrial = Infinity;
    while (evaluations < maxEvaluations) {
      for (let i = 0; i < n; i++) trial[i] = (x[i] ?? 0) + step * (direction[i] ?? 0);
      evaluations++;
      fTrial = fg(trial, trialGradient);
      if (
        Number.isFinite(fTrial) &&
        fTrial <= f + 1e-4 * step * slope &&
        trialGradient.every(Number.isFinite)
      ) {
        accepted = true;
        break;
      }
      step *= 0.3;
      if (step * largestMove < 1e-14) break;
    }
    if (!accepted)
      return { x, value: f, evaluations, converged: largestGradient < gradientTolerance * 1e3 };
    let sy = 0;
    for (let i = 0; i < n; i++) {
      s[i] = (trial[i] ?? 0) - (x[i] ?? 0);
      y[i] = (trialGradient[i] ?? 0) - (g[i] ?? 0);
      sy += (s[i] ?? 0) * (y[i] ?? 0);
    }
    const improvement = f - fTrial;
    x = Float64Array.from(trial);
    const previousG = g;
    g = trialGradient;
    trialGradient = previousG;
    f = fTrial;
    if (sy > 1e-12) {
      // H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ
      const rho = 1 / sy;
      let yhy = 0;
      for (let i = 0; i < n; i++) {
        let v = 0;
        for (let j = 0; j < n; j++) v += (h[i * n + j] ?? 0) * (y[j] ?? 0);
        hy[i] = v;
        yhy += (y[i] ?? 0) * v;
      }
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          const si = s[i] ?? 0;
          const sj = s[j] ?? 0;
          h[i * n + j] =
            (h[i * n + j] ?? 0) -
            rho * ((hy[i] ?? 0) * sj + si * (hy[j] ?? 0)) +
            (rho * rho * yhy + rho) * si * sj;
        }
      }
    }
    quietIterations =
      improvement <= relativeTolerance * Math.max(1, Math.abs(f)) ? quietIterations + 1 : 0;
    if (quietIterations >= 3) return { x, value: f, evaluations, converged: true };
    if (evaluations >= maxEvaluations) break;
  }
  return { x, value: f, evaluations, converged: false };
}
