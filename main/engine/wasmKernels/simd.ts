// Kernels of our own in WebAssembly SIMD, for steps where composing the backend's kernels costs more than the
// arithmetic. Written in the WebAssembly text format below, assembled once per process with wabt (the
// WebAssembly Binary Toolkit's own assembler, built for JS) and instantiated on the wasm backend's own memory,
// so they read and write tensors where they lie, with no copy. Only on the single-threaded build: the threaded
// build's memory is shared and its kernels have the XNNPACK thread pool, which these would not use.
import wabtInit from 'wabt';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * conv2dFilterGrad: dW[i, j, ci, k] = Σ_{b, r, q} x[b, r·sh + i − top, q·sw + j − left, ci] · dy[b, r, q, k]
 * (0 where the x index is outside x), with x NHWC, dy [n, oh, ow, co] and dW [fh, fw, c, co]; dW must be zero on
 * entry. Every pointer is a byte offset in the backend's memory. For each output row (b, r), filter cell
 * (i, j, ci) and four output channels, one loop over the row's columns keeps four partial sums of four
 * channels each in registers (x's value splatted, dy's four channels loaded as one vector), then adds them to
 * dW; the channels that are not a multiple of four get a scalar loop. One pass over dy per filter cell, but a
 * row of dy (ow·co floats) stays in the L1 cache across the cells.
 */
/** Parameters after the three pointers, shared by the convolution loops: the shapes, strides and padding. */
const CONV_SHAPE = `(param $n i32) (param $h i32) (param $w i32) (param $c i32)
    (param $oh i32) (param $ow i32) (param $sh i32) (param $sw i32)
    (param $fh i32) (param $fw i32) (param $top i32) (param $left i32) (param $co i32)`;

/** Locals of eachRowAndCell, and of the strides (bytes) between consecutive output columns in x and in dy. */
const CONV_LOCALS = `(local $b i32) (local $r i32) (local $i i32) (local $j i32) (local $xr i32) (local $t i32)
    (local $qFirst i32) (local $qEnd i32) (local $dyRow i32) (local $xRow i32) (local $xStep i32) (local $dStep i32)`;

/** Sets those strides; after every local of the function (WebAssembly declares locals before any instruction). */
const CONV_STRIDES = `(local.set $xStep (i32.shl (i32.mul (local.get $sw) (local.get $c)) (i32.const 2)))
    (local.set $dStep (i32.shl (local.get $co) (i32.const 2)))`;

/**
 * The loop nest every convolution loop runs `body` in: for each output row (b, r) and filter cell (i, j) whose
 * input row r·sh + i − top is inside x, with $dyRow at dy[b, r, 0, 0], $xRow at the x-shaped tensor `xSide`'s
 * [b, that row, 0, 0], and the output columns whose input column q·sw + j − left is inside x, q in
 * [$qFirst, $qEnd) (the body runs only when that is not empty).
 */
function eachRowAndCell(xSide: string, body: string): string {
  return `
    (block $bDone (loop $bLoop
      (br_if $bDone (i32.ge_s (local.get $b) (local.get $n)))
      (local.set $r (i32.const 0))
      (block $rDone (loop $rLoop
        (br_if $rDone (i32.ge_s (local.get $r) (local.get $oh)))
        (local.set $dyRow (i32.add (local.get $dy)
          (i32.shl (i32.mul (i32.mul (i32.add (i32.mul (local.get $b) (local.get $oh)) (local.get $r)) (local.get $ow)) (local.get $co)) (i32.const 2))))
        (local.set $i (i32.const 0))
        (block $iDone (loop $iLoop
          (br_if $iDone (i32.ge_s (local.get $i) (local.get $fh)))
          (local.set $xr (i32.sub (i32.add (i32.mul (local.get $r) (local.get $sh)) (local.get $i)) (local.get $top)))
          (if (i32.and (i32.ge_s (local.get $xr) (i32.const 0)) (i32.lt_s (local.get $xr) (local.get $h)))
            (then
              (local.set $xRow (i32.add (local.get ${xSide})
                (i32.shl (i32.mul (i32.mul (i32.add (i32.mul (local.get $b) (local.get $h)) (local.get $xr)) (local.get $w)) (local.get $c)) (i32.const 2))))
              (local.set $j (i32.const 0))
              (block $jDone (loop $jLoop
                (br_if $jDone (i32.ge_s (local.get $j) (local.get $fw)))
                ;; qFirst = max(0, ceil((left − j) / sw)); qEnd = min(ow, floor((w − 1 + left − j) / sw) + 1), 0 if negative.
                (local.set $t (i32.sub (local.get $left) (local.get $j)))
                (local.set $qFirst (select
                  (i32.div_s (i32.add (local.get $t) (i32.sub (local.get $sw) (i32.const 1))) (local.get $sw))
                  (i32.const 0)
                  (i32.gt_s (local.get $t) (i32.const 0))))
                (local.set $t (i32.sub (i32.add (local.get $w) (local.get $t)) (i32.const 1)))
                (local.set $qEnd (select
                  (i32.add (i32.div_s (local.get $t) (local.get $sw)) (i32.const 1))
                  (i32.const 0)
                  (i32.ge_s (local.get $t) (i32.const 0))))
                (if (i32.gt_s (local.get $qEnd) (local.get $ow)) (then (local.set $qEnd (local.get $ow))))
                (if (i32.lt_s (local.get $qFirst) (local.get $qEnd)) (then ${body.trim()}))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $jLoop)))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $iLoop)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rLoop)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $bLoop)))`;
}

/** Locals of a 4 × 2 block of vector sums, $a00 … $a31 (row u, vector v is $a{u}{v}), and $s for a splatted value. */
const BLOCK_LOCALS = `(local $s v128) (local $a00 v128) (local $a01 v128) (local $a10 v128) (local $a11 v128)
    (local $a20 v128) (local $a21 v128) (local $a30 v128) (local $a31 v128)`;

const ZERO_8 = [0, 1, 2, 3].map((u) => `(local.set $a${u}0 (v128.const i32x4 0 0 0 0)) (local.set $a${u}1 (v128.const i32x4 0 0 0 0))`).join('\n');

/** The block's sums += each of four scalars (splatted) times each of two vectors. */
function outer4x2(scalars: string[], v0: string, v1: string): string {
  return scalars.map((scalar, u) => `(local.set $s (f32x4.splat ${scalar}))
      (local.set $a${u}0 (f32x4.add (local.get $a${u}0) (f32x4.mul (local.get $s) ${v0})))
      (local.set $a${u}1 (f32x4.add (local.get $a${u}1) (f32x4.mul (local.get $s) ${v1})))`).join('\n');
}

/** Adds the block's row u to the eight floats at $o + u·step (step a local holding bytes). */
function addBlock8(step: string): string {
  return [0, 1, 2, 3].map((u) => `${u > 0 ? `(local.set $o (i32.add (local.get $o) (local.get ${step})))\n` : ''}(v128.store (local.get $o) (f32x4.add (v128.load (local.get $o)) (local.get $a${u}0)))
    (v128.store offset=16 (local.get $o) (f32x4.add (v128.load offset=16 (local.get $o)) (local.get $a${u}1)))`).join('\n');
}

/** The simple filter-gradient loop's step: sum u += x (splatted) · dy's four channels; both move one column on. */
function columnStep(u: number): string {
  return `(local.set $acc${u} (f32x4.add (local.get $acc${u})
            (f32x4.mul (f32x4.splat (f32.load (local.get $xa))) (v128.load (local.get $da)))))
          (local.set $xa (i32.add (local.get $xa) (local.get $xStep)))
          (local.set $da (i32.add (local.get $da) (local.get $dStep)))`;
}

const WAT = `(module
  (import "env" "memory" (memory 0))
  (func (export "conv2dFilterGrad") (param $x i32) (param $dy i32) (param $out i32) ${CONV_SHAPE}
    ${CONV_LOCALS}
    (local $ci i32) (local $k i32) (local $q i32) (local $outF i32) (local $xBase i32) (local $dBase i32)
    (local $xa i32) (local $da i32) (local $co4 i32) (local $o i32)
    (local $acc0 v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128) (local $s f32)
    ${CONV_STRIDES}
    ;; The channels done four at a time.
    (local.set $co4 (i32.and (local.get $co) (i32.const -4)))
    ${eachRowAndCell('$x', `
    (local.set $ci (i32.const 0))
    (block $cDone (loop $cLoop
      (br_if $cDone (i32.ge_s (local.get $ci) (local.get $c)))
      (local.set $outF (i32.add (local.get $out)
        (i32.shl (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $i) (local.get $fw)) (local.get $j)) (local.get $c)) (local.get $ci)) (local.get $co)) (i32.const 2))))
      ;; x at column qFirst (only read when qFirst < qEnd), dy at column qFirst.
      (local.set $xBase (i32.add (local.get $xRow)
        (i32.shl (i32.add (i32.mul (i32.sub (i32.add (i32.mul (local.get $qFirst) (local.get $sw)) (local.get $j)) (local.get $left)) (local.get $c)) (local.get $ci)) (i32.const 2))))
      (local.set $dBase (i32.add (local.get $dyRow) (i32.mul (local.get $qFirst) (local.get $dStep))))
      (local.set $k (i32.const 0))
      (block $kDone (loop $kLoop
        (br_if $kDone (i32.ge_s (local.get $k) (local.get $co4)))
        (local.set $xa (local.get $xBase))
        (local.set $da (i32.add (local.get $dBase) (i32.shl (local.get $k) (i32.const 2))))
        (local.set $acc0 (v128.const i32x4 0 0 0 0))
        (local.set $acc1 (v128.const i32x4 0 0 0 0))
        (local.set $acc2 (v128.const i32x4 0 0 0 0))
        (local.set $acc3 (v128.const i32x4 0 0 0 0))
        (local.set $q (local.get $qFirst))
        ;; Four columns per iteration, one partial sum each, so the additions do not wait on each other.
        (block $u4Done (loop $u4
          (br_if $u4Done (i32.gt_s (i32.add (local.get $q) (i32.const 4)) (local.get $qEnd)))
          ${[0, 1, 2, 3].map(columnStep).join('\n')}
          (local.set $q (i32.add (local.get $q) (i32.const 4)))
          (br $u4)))
        (block $u1Done (loop $u1
          (br_if $u1Done (i32.ge_s (local.get $q) (local.get $qEnd)))
          ${columnStep(0)}
          (local.set $q (i32.add (local.get $q) (i32.const 1)))
          (br $u1)))
        (local.set $o (i32.add (local.get $outF) (i32.shl (local.get $k) (i32.const 2))))
        (v128.store (local.get $o) (f32x4.add (v128.load (local.get $o))
          (f32x4.add (f32x4.add (local.get $acc0) (local.get $acc1)) (f32x4.add (local.get $acc2) (local.get $acc3)))))
        (local.set $k (i32.add (local.get $k) (i32.const 4)))
        (br $kLoop)))
      ;; The channels left over (co not a multiple of four), one at a time.
      (block $sDone (loop $sLoop
        (br_if $sDone (i32.ge_s (local.get $k) (local.get $co)))
        (local.set $xa (local.get $xBase))
        (local.set $da (i32.add (local.get $dBase) (i32.shl (local.get $k) (i32.const 2))))
        (local.set $s (f32.const 0))
        (local.set $q (local.get $qFirst))
        (block $vDone (loop $v
          (br_if $vDone (i32.ge_s (local.get $q) (local.get $qEnd)))
          (local.set $s (f32.add (local.get $s) (f32.mul (f32.load (local.get $xa)) (f32.load (local.get $da)))))
          (local.set $xa (i32.add (local.get $xa) (local.get $xStep)))
          (local.set $da (i32.add (local.get $da) (local.get $dStep)))
          (local.set $q (i32.add (local.get $q) (i32.const 1)))
          (br $v)))
        (local.set $o (i32.add (local.get $outF) (i32.shl (local.get $k) (i32.const 2))))
        (f32.store (local.get $o) (f32.add (f32.load (local.get $o)) (local.get $s)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $sLoop)))
      (local.set $ci (i32.add (local.get $ci) (i32.const 1)))
      (br $cLoop)))`)})
  ;; conv2dFilterGradTiled: the same dW as conv2dFilterGrad, for c a multiple of 4 and co a multiple of 8. For
  ;; each output row (b, r), filter cell (i, j), four input channels and eight output channels, one loop over
  ;; the row's columns keeps the 4 × 8 outer-product sums in eight vector registers (four x values splatted,
  ;; two dy vectors), then adds them to dW: about one instruction per multiply-add, half the simple loop's.
  (func (export "conv2dFilterGradTiled") (param $x i32) (param $dy i32) (param $out i32) ${CONV_SHAPE}
    ${CONV_LOCALS}
    (local $ci i32) (local $k i32) (local $q i32) (local $xBase i32) (local $dBase i32) (local $cell i32)
    (local $xa i32) (local $da i32) (local $o i32) (local $rowOut i32) (local $d0 v128) (local $d1 v128)
    ${BLOCK_LOCALS}
    ${CONV_STRIDES}
    (local.set $rowOut (i32.shl (local.get $co) (i32.const 2)))
    ${eachRowAndCell('$x', `
    (local.set $cell (i32.add (local.get $out)
      (i32.shl (i32.mul (i32.mul (i32.add (i32.mul (local.get $i) (local.get $fw)) (local.get $j)) (local.get $c)) (local.get $co)) (i32.const 2))))
    (local.set $xBase (i32.add (local.get $xRow)
      (i32.shl (i32.mul (i32.sub (i32.add (i32.mul (local.get $qFirst) (local.get $sw)) (local.get $j)) (local.get $left)) (local.get $c)) (i32.const 2))))
    (local.set $dBase (i32.add (local.get $dyRow) (i32.mul (local.get $qFirst) (local.get $dStep))))
    (local.set $ci (i32.const 0))
    (block $cDone (loop $cLoop
      (br_if $cDone (i32.ge_s (local.get $ci) (local.get $c)))
      (local.set $k (i32.const 0))
      (block $kDone (loop $kLoop
        (br_if $kDone (i32.ge_s (local.get $k) (local.get $co)))
        (local.set $xa (i32.add (local.get $xBase) (i32.shl (local.get $ci) (i32.const 2))))
        (local.set $da (i32.add (local.get $dBase) (i32.shl (local.get $k) (i32.const 2))))
    ${ZERO_8}
        (local.set $q (local.get $qFirst))
        (block $qDone (loop $qLoop
          (local.set $d0 (v128.load (local.get $da)))
          (local.set $d1 (v128.load offset=16 (local.get $da)))
    ${outer4x2(['(f32.load (local.get $xa))', '(f32.load offset=4 (local.get $xa))', '(f32.load offset=8 (local.get $xa))', '(f32.load offset=12 (local.get $xa))'], '(local.get $d0)', '(local.get $d1)')}
          (local.set $xa (i32.add (local.get $xa) (local.get $xStep)))
          (local.set $da (i32.add (local.get $da) (local.get $dStep)))
          (local.set $q (i32.add (local.get $q) (i32.const 1)))
          (br_if $qLoop (i32.lt_s (local.get $q) (local.get $qEnd)))))
        ;; dW[i, j, ci + u, k .. k + 8] += the sums of row u.
        (local.set $o (i32.add (local.get $cell) (i32.shl (i32.add (i32.mul (local.get $ci) (local.get $co)) (local.get $k)) (i32.const 2))))
    ${addBlock8('$rowOut')}
        (local.set $k (i32.add (local.get $k) (i32.const 8)))
        (br $kLoop)))
      (local.set $ci (i32.add (local.get $ci) (i32.const 4)))
      (br $cLoop)))`)})
  ;; conv2dInputGrad: dx[b, r·sh + i − top, q·sw + j − left, ci] += Σ_k f[i, j, k, ci] · dy[b, r, q, k] over every
  ;; output position (b, r, q) and filter cell (i, j) whose input position is inside x: the input gradient of a
  ;; convolution, with the filter given as [fh, fw, co, c] (channels of x last) and c a multiple of 8; dx must be
  ;; zero on entry. For four output columns and eight input channels at a time, the sums over k stay in eight
  ;; vector registers (four dy values splatted, two filter vectors), then are added to dx: no multiply-add is
  ;; spent on the zeros a convolution over a padded dy would read.
  (func (export "conv2dInputGrad") (param $dy i32) (param $f i32) (param $dx i32) ${CONV_SHAPE}
    ${CONV_LOCALS}
    (local $ci i32) (local $k i32) (local $q i32) (local $cellF i32)
    (local $p0 i32) (local $p1 i32) (local $p2 i32) (local $p3 i32) (local $fp i32) (local $o i32)
    (local $f0 v128) (local $f1 v128)
    ${BLOCK_LOCALS}
    ${CONV_STRIDES}
    ${eachRowAndCell('$dx', `
    (local.set $cellF (i32.add (local.get $f)
      (i32.shl (i32.mul (i32.mul (i32.add (i32.mul (local.get $i) (local.get $fw)) (local.get $j)) (local.get $co)) (local.get $c)) (i32.const 2))))
    (local.set $ci (i32.const 0))
    (block $cDone (loop $cLoop
      (br_if $cDone (i32.ge_s (local.get $ci) (local.get $c)))
      (local.set $q (local.get $qFirst))
      ;; Four columns at a time.
      (block $u4Done (loop $u4
        (br_if $u4Done (i32.gt_s (i32.add (local.get $q) (i32.const 4)) (local.get $qEnd)))
        (local.set $p0 (i32.add (local.get $dyRow) (i32.mul (local.get $q) (local.get $dStep))))
        (local.set $p1 (i32.add (local.get $p0) (local.get $dStep)))
        (local.set $p2 (i32.add (local.get $p1) (local.get $dStep)))
        (local.set $p3 (i32.add (local.get $p2) (local.get $dStep)))
        (local.set $fp (i32.add (local.get $cellF) (i32.shl (local.get $ci) (i32.const 2))))
    ${ZERO_8}
        (local.set $k (i32.const 0))
        (block $kDone (loop $kLoop
          (br_if $kDone (i32.ge_s (local.get $k) (local.get $co)))
          (local.set $f0 (v128.load (local.get $fp)))
          (local.set $f1 (v128.load offset=16 (local.get $fp)))
    ${outer4x2(['(f32.load (local.get $p0))', '(f32.load (local.get $p1))', '(f32.load (local.get $p2))', '(f32.load (local.get $p3))'], '(local.get $f0)', '(local.get $f1)')}
          (local.set $p0 (i32.add (local.get $p0) (i32.const 4)))
          (local.set $p1 (i32.add (local.get $p1) (i32.const 4)))
          (local.set $p2 (i32.add (local.get $p2) (i32.const 4)))
          (local.set $p3 (i32.add (local.get $p3) (i32.const 4)))
          (local.set $fp (i32.add (local.get $fp) (i32.shl (local.get $c) (i32.const 2))))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br $kLoop)))
        ;; dx at column q·sw + j − left, channels ci .. ci + 8, then the next three columns.
        (local.set $o (i32.add (local.get $xRow)
          (i32.shl (i32.add (i32.mul (i32.sub (i32.add (i32.mul (local.get $q) (local.get $sw)) (local.get $j)) (local.get $left)) (local.get $c)) (local.get $ci)) (i32.const 2))))
    ${addBlock8('$xStep')}
        (local.set $q (i32.add (local.get $q) (i32.const 4)))
        (br $u4)))
      ;; The columns left over, one at a time.
      (block $u1Done (loop $u1
        (br_if $u1Done (i32.ge_s (local.get $q) (local.get $qEnd)))
        (local.set $p0 (i32.add (local.get $dyRow) (i32.mul (local.get $q) (local.get $dStep))))
        (local.set $fp (i32.add (local.get $cellF) (i32.shl (local.get $ci) (i32.const 2))))
        (local.set $a00 (v128.const i32x4 0 0 0 0)) (local.set $a01 (v128.const i32x4 0 0 0 0))
        (local.set $k (i32.const 0))
        (block $k1Done (loop $k1Loop
          (br_if $k1Done (i32.ge_s (local.get $k) (local.get $co)))
          (local.set $s (f32x4.splat (f32.load (local.get $p0))))
          (local.set $a00 (f32x4.add (local.get $a00) (f32x4.mul (local.get $s) (v128.load (local.get $fp)))))
          (local.set $a01 (f32x4.add (local.get $a01) (f32x4.mul (local.get $s) (v128.load offset=16 (local.get $fp)))))
          (local.set $p0 (i32.add (local.get $p0) (i32.const 4)))
          (local.set $fp (i32.add (local.get $fp) (i32.shl (local.get $c) (i32.const 2))))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br $k1Loop)))
        (local.set $o (i32.add (local.get $xRow)
          (i32.shl (i32.add (i32.mul (i32.sub (i32.add (i32.mul (local.get $q) (local.get $sw)) (local.get $j)) (local.get $left)) (local.get $c)) (local.get $ci)) (i32.const 2))))
        (v128.store (local.get $o) (f32x4.add (v128.load (local.get $o)) (local.get $a00)))
        (v128.store offset=16 (local.get $o) (f32x4.add (v128.load offset=16 (local.get $o)) (local.get $a01)))
        (local.set $q (i32.add (local.get $q) (i32.const 1)))
        (br $u1)))
      (local.set $ci (i32.add (local.get $ci) (i32.const 8)))
      (br $cLoop)))`)})
  ;; maxPoolGrad2x2: the gradient of a 2×2 max pool at stride 2 without padding, x and dx [n, h, w, c], g (dy)
  ;; [n, oh, ow, c] with 2·oh ≤ h and 2·ow ≤ w. Each window's dy goes to its first maximum in row-major window
  ;; order (a strictly greater value wins; a NaN maximum is passed over by every later cell, as the cpu backend
  ;; and the JS loop do) and every other cell of the window gets 0. Cells outside every window are not written.
  ;; Four channels at a time, compared as vectors; the channels past a multiple of four one at a time.
  (func (export "maxPoolGrad2x2")
    (param $x i32) (param $g i32) (param $dx i32)
    (param $n i32) (param $h i32) (param $w i32) (param $c i32) (param $oh i32) (param $ow i32)
    (local $b i32) (local $r i32) (local $q i32) (local $ch i32) (local $off i32) (local $a i32) (local $gp i32)
    (local $right i32) (local $below i32) (local $c4 i32) (local $k i32)
    (local $v1 v128) (local $v2 v128) (local $v3 v128) (local $best v128) (local $m v128) (local $at v128) (local $gv v128)
    (local $s1 f32) (local $s2 f32) (local $s3 f32) (local $sb f32) (local $gs f32)
    (local.set $right (i32.shl (local.get $c) (i32.const 2)))
    (local.set $below (i32.shl (i32.mul (local.get $w) (local.get $c)) (i32.const 2)))
    (local.set $c4 (i32.and (local.get $c) (i32.const -4)))
    (local.set $gp (local.get $g))
    (block $bDone (loop $bLoop
      (br_if $bDone (i32.ge_s (local.get $b) (local.get $n)))
      (local.set $r (i32.const 0))
      (block $rDone (loop $rLoop
        (br_if $rDone (i32.ge_s (local.get $r) (local.get $oh)))
        ;; Byte offset (the same in x and dx) of the row's first window's top-left cell.
        (local.set $off (i32.shl (i32.mul (i32.mul (i32.add (i32.mul (local.get $b) (local.get $h)) (i32.shl (local.get $r) (i32.const 1))) (local.get $w)) (local.get $c)) (i32.const 2)))
        (local.set $q (i32.const 0))
        (block $qDone (loop $qLoop
          (br_if $qDone (i32.ge_s (local.get $q) (local.get $ow)))
          (local.set $ch (i32.const 0))
          (block $vDone (loop $vLoop
            (br_if $vDone (i32.ge_s (local.get $ch) (local.get $c4)))
            (local.set $a (i32.add (local.get $x) (i32.add (local.get $off) (i32.shl (local.get $ch) (i32.const 2)))))
            (local.set $best (v128.load (local.get $a)))
            (local.set $v1 (v128.load (i32.add (local.get $a) (local.get $right))))
            (local.set $v2 (v128.load (i32.add (local.get $a) (local.get $below))))
            (local.set $v3 (v128.load (i32.add (local.get $a) (i32.add (local.get $below) (local.get $right)))))
            (local.set $at (v128.const i32x4 0 0 0 0))
            (local.set $m (v128.or (f32x4.gt (local.get $v1) (local.get $best)) (f32x4.ne (local.get $best) (local.get $best))))
            (local.set $best (v128.bitselect (local.get $v1) (local.get $best) (local.get $m)))
            (local.set $at (v128.bitselect (v128.const i32x4 1 1 1 1) (local.get $at) (local.get $m)))
            (local.set $m (v128.or (f32x4.gt (local.get $v2) (local.get $best)) (f32x4.ne (local.get $best) (local.get $best))))
            (local.set $best (v128.bitselect (local.get $v2) (local.get $best) (local.get $m)))
            (local.set $at (v128.bitselect (v128.const i32x4 2 2 2 2) (local.get $at) (local.get $m)))
            (local.set $m (v128.or (f32x4.gt (local.get $v3) (local.get $best)) (f32x4.ne (local.get $best) (local.get $best))))
            (local.set $at (v128.bitselect (v128.const i32x4 3 3 3 3) (local.get $at) (local.get $m)))
            (local.set $gv (v128.load (local.get $gp)))
            (local.set $a (i32.add (local.get $dx) (i32.add (local.get $off) (i32.shl (local.get $ch) (i32.const 2)))))
            (v128.store (local.get $a) (v128.and (local.get $gv) (i32x4.eq (local.get $at) (v128.const i32x4 0 0 0 0))))
            (v128.store (i32.add (local.get $a) (local.get $right)) (v128.and (local.get $gv) (i32x4.eq (local.get $at) (v128.const i32x4 1 1 1 1))))
            (v128.store (i32.add (local.get $a) (local.get $below)) (v128.and (local.get $gv) (i32x4.eq (local.get $at) (v128.const i32x4 2 2 2 2))))
            (v128.store (i32.add (local.get $a) (i32.add (local.get $below) (local.get $right)))
              (v128.and (local.get $gv) (i32x4.eq (local.get $at) (v128.const i32x4 3 3 3 3))))
            (local.set $gp (i32.add (local.get $gp) (i32.const 16)))
            (local.set $ch (i32.add (local.get $ch) (i32.const 4)))
            (br $vLoop)))
          (block $sDone (loop $sLoop
            (br_if $sDone (i32.ge_s (local.get $ch) (local.get $c)))
            (local.set $a (i32.add (local.get $x) (i32.add (local.get $off) (i32.shl (local.get $ch) (i32.const 2)))))
            (local.set $sb (f32.load (local.get $a)))
            (local.set $s1 (f32.load (i32.add (local.get $a) (local.get $right))))
            (local.set $s2 (f32.load (i32.add (local.get $a) (local.get $below))))
            (local.set $s3 (f32.load (i32.add (local.get $a) (i32.add (local.get $below) (local.get $right)))))
            (local.set $k (i32.const 0))
            (if (i32.or (f32.gt (local.get $s1) (local.get $sb)) (f32.ne (local.get $sb) (local.get $sb)))
              (then (local.set $sb (local.get $s1)) (local.set $k (i32.const 1))))
            (if (i32.or (f32.gt (local.get $s2) (local.get $sb)) (f32.ne (local.get $sb) (local.get $sb)))
              (then (local.set $sb (local.get $s2)) (local.set $k (i32.const 2))))
            (if (i32.or (f32.gt (local.get $s3) (local.get $sb)) (f32.ne (local.get $sb) (local.get $sb)))
              (then (local.set $k (i32.const 3))))
            (local.set $gs (f32.load (local.get $gp)))
            (local.set $a (i32.add (local.get $dx) (i32.add (local.get $off) (i32.shl (local.get $ch) (i32.const 2)))))
            (f32.store (local.get $a) (select (local.get $gs) (f32.const 0) (i32.eqz (local.get $k))))
            (f32.store (i32.add (local.get $a) (local.get $right)) (select (local.get $gs) (f32.const 0) (i32.eq (local.get $k) (i32.const 1))))
            (f32.store (i32.add (local.get $a) (local.get $below)) (select (local.get $gs) (f32.const 0) (i32.eq (local.get $k) (i32.const 2))))
            (f32.store (i32.add (local.get $a) (i32.add (local.get $below) (local.get $right)))
              (select (local.get $gs) (f32.const 0) (i32.eq (local.get $k) (i32.const 3))))
            (local.set $gp (i32.add (local.get $gp) (i32.const 4)))
            (local.set $ch (i32.add (local.get $ch) (i32.const 1)))
            (br $sLoop)))
          (local.set $off (i32.add (local.get $off) (i32.shl (local.get $right) (i32.const 1))))
          (local.set $q (i32.add (local.get $q) (i32.const 1)))
          (br $qLoop)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rLoop)))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $bLoop))))
  ;; addRow: out[r, k] = a[r, k] + b[k] for r < rows, k < c (a bias added to every row of a tensor whose last axis
  ;; is c). Four at a time, the channels past a multiple of four one at a time. out may be a.
  (func (export "addRow") (param $a i32) (param $b i32) (param $out i32) (param $rows i32) (param $c i32)
    (local $r i32) (local $k i32) (local $c4 i32) (local $rowBytes i32)
    (local.set $c4 (i32.and (local.get $c) (i32.const -4)))
    (local.set $rowBytes (i32.shl (local.get $c) (i32.const 2)))
    (block $rDone (loop $rLoop
      (br_if $rDone (i32.ge_s (local.get $r) (local.get $rows)))
      (local.set $k (i32.const 0))
      (block $vDone (loop $vLoop
        (br_if $vDone (i32.ge_s (local.get $k) (local.get $c4)))
        (v128.store (i32.add (local.get $out) (i32.shl (local.get $k) (i32.const 2)))
          (f32x4.add (v128.load (i32.add (local.get $a) (i32.shl (local.get $k) (i32.const 2))))
                     (v128.load (i32.add (local.get $b) (i32.shl (local.get $k) (i32.const 2))))))
        (local.set $k (i32.add (local.get $k) (i32.const 4)))
        (br $vLoop)))
      (block $sDone (loop $sLoop
        (br_if $sDone (i32.ge_s (local.get $k) (local.get $c)))
        (f32.store (i32.add (local.get $out) (i32.shl (local.get $k) (i32.const 2)))
          (f32.add (f32.load (i32.add (local.get $a) (i32.shl (local.get $k) (i32.const 2))))
                   (f32.load (i32.add (local.get $b) (i32.shl (local.get $k) (i32.const 2))))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $sLoop)))
      (local.set $a (i32.add (local.get $a) (local.get $rowBytes)))
      (local.set $out (i32.add (local.get $out) (local.get $rowBytes)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rLoop))))
  ;; reluBiasGrad: dx[r, k] = dy[r, k] · step(y[r, k]) and db[k] = Σ_r dx[r, k], for r < rows, k < c: the gradient
  ;; of relu(conv + bias) with respect to its pre-activation and to the bias, from the relu's output y (y > 0
  ;; exactly where the pre-activation is). step is 1 above 0, 0 at or below, NaN at NaN, as TF.js's Step, and the
  ;; product is formed as TF.js forms it (so a NaN or infinite dy stays NaN). One pass over dy and y.
  (func (export "reluBiasGrad") (param $dy i32) (param $y i32) (param $dx i32) (param $db i32) (param $rows i32) (param $c i32)
    (local $r i32) (local $k i32) (local $c4 i32) (local $o i32) (local $yv v128) (local $v v128) (local $ys f32) (local $s f32)
    (local.set $c4 (i32.and (local.get $c) (i32.const -4)))
    (block $zDone (loop $zLoop
      (br_if $zDone (i32.ge_s (local.get $k) (local.get $c)))
      (f32.store (i32.add (local.get $db) (i32.shl (local.get $k) (i32.const 2))) (f32.const 0))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $zLoop)))
    (block $rDone (loop $rLoop
      (br_if $rDone (i32.ge_s (local.get $r) (local.get $rows)))
      (local.set $k (i32.const 0))
      (block $vDone (loop $vLoop
        (br_if $vDone (i32.ge_s (local.get $k) (local.get $c4)))
        (local.set $o (i32.shl (local.get $k) (i32.const 2)))
        (local.set $yv (v128.load (i32.add (local.get $y) (local.get $o))))
        (local.set $v (f32x4.mul (v128.load (i32.add (local.get $dy) (local.get $o)))
          (v128.bitselect (local.get $yv)
            (v128.and (f32x4.gt (local.get $yv) (v128.const i32x4 0 0 0 0)) (v128.const f32x4 1 1 1 1))
            (f32x4.ne (local.get $yv) (local.get $yv)))))
        (v128.store (i32.add (local.get $dx) (local.get $o)) (local.get $v))
        (v128.store (i32.add (local.get $db) (local.get $o)) (f32x4.add (v128.load (i32.add (local.get $db) (local.get $o))) (local.get $v)))
        (local.set $k (i32.add (local.get $k) (i32.const 4)))
        (br $vLoop)))
      (block $sDone (loop $sLoop
        (br_if $sDone (i32.ge_s (local.get $k) (local.get $c)))
        (local.set $o (i32.shl (local.get $k) (i32.const 2)))
        (local.set $ys (f32.load (i32.add (local.get $y) (local.get $o))))
        (local.set $s (select (f32.const 1) (f32.const 0) (f32.gt (local.get $ys) (f32.const 0))))
        (local.set $s (select (local.get $ys) (local.get $s) (f32.ne (local.get $ys) (local.get $ys))))
        (local.set $ys (f32.mul (f32.load (i32.add (local.get $dy) (local.get $o))) (local.get $s)))
        (f32.store (i32.add (local.get $dx) (local.get $o)) (local.get $ys))
        (f32.store (i32.add (local.get $db) (local.get $o)) (f32.add (f32.load (i32.add (local.get $db) (local.get $o))) (local.get $ys)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $sLoop)))
      (local.set $o (i32.shl (local.get $c) (i32.const 2)))
      (local.set $dy (i32.add (local.get $dy) (local.get $o)))
      (local.set $y (i32.add (local.get $y) (local.get $o)))
      (local.set $dx (i32.add (local.get $dx) (local.get $o)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rLoop))))
  ;; adam: one Adam step over n floats, the operations of TF.js's AdamOptimizer in its order and precision:
  ;; m' = m·b1 + g·c1, v' = v·b2 + g²·c2, w' = (m'/d1) / (√(v'/d2) + eps) · nlr + w, written to new buffers
  ;; (c = 1 − b, d = 1 − the accumulated b^t, nlr = −learning rate, all rounded to float32 by the caller).
  (func (export "adam") (param $w i32) (param $m i32) (param $v i32) (param $g i32) (param $ow i32) (param $om i32) (param $ov i32) (param $n i32)
    (param $b1 f32) (param $c1 f32) (param $b2 f32) (param $c2 f32) (param $d1 f32) (param $d2 f32) (param $eps f32) (param $nlr f32)
    (local $o i32) (local $end4 i32) (local $end i32) (local $gv v128) (local $mv v128) (local $vv v128) (local $gs f32) (local $ms f32) (local $vs f32)
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $end4 (i32.and (local.get $end) (i32.const -16)))
    (block $vDone (loop $vLoop
      (br_if $vDone (i32.ge_u (local.get $o) (local.get $end4)))
      (local.set $gv (v128.load (i32.add (local.get $g) (local.get $o))))
      (local.set $mv (f32x4.add (f32x4.mul (v128.load (i32.add (local.get $m) (local.get $o))) (f32x4.splat (local.get $b1)))
                                (f32x4.mul (local.get $gv) (f32x4.splat (local.get $c1)))))
      (local.set $vv (f32x4.add (f32x4.mul (v128.load (i32.add (local.get $v) (local.get $o))) (f32x4.splat (local.get $b2)))
                                (f32x4.mul (f32x4.mul (local.get $gv) (local.get $gv)) (f32x4.splat (local.get $c2)))))
      (v128.store (i32.add (local.get $om) (local.get $o)) (local.get $mv))
      (v128.store (i32.add (local.get $ov) (local.get $o)) (local.get $vv))
      (v128.store (i32.add (local.get $ow) (local.get $o))
        (f32x4.add
          (f32x4.mul
            (f32x4.div (f32x4.div (local.get $mv) (f32x4.splat (local.get $d1)))
                       (f32x4.add (f32x4.sqrt (f32x4.div (local.get $vv) (f32x4.splat (local.get $d2)))) (f32x4.splat (local.get $eps))))
            (f32x4.splat (local.get $nlr)))
          (v128.load (i32.add (local.get $w) (local.get $o)))))
      (local.set $o (i32.add (local.get $o) (i32.const 16)))
      (br $vLoop)))
    (block $sDone (loop $sLoop
      (br_if $sDone (i32.ge_u (local.get $o) (local.get $end)))
      (local.set $gs (f32.load (i32.add (local.get $g) (local.get $o))))
      (local.set $ms (f32.add (f32.mul (f32.load (i32.add (local.get $m) (local.get $o))) (local.get $b1)) (f32.mul (local.get $gs) (local.get $c1))))
      (local.set $vs (f32.add (f32.mul (f32.load (i32.add (local.get $v) (local.get $o))) (local.get $b2))
                              (f32.mul (f32.mul (local.get $gs) (local.get $gs)) (local.get $c2))))
      (f32.store (i32.add (local.get $om) (local.get $o)) (local.get $ms))
      (f32.store (i32.add (local.get $ov) (local.get $o)) (local.get $vs))
      (f32.store (i32.add (local.get $ow) (local.get $o))
        (f32.add
          (f32.mul
            (f32.div (f32.div (local.get $ms) (local.get $d1))
                     (f32.add (f32.sqrt (f32.div (local.get $vs) (local.get $d2))) (local.get $eps)))
            (local.get $nlr))
          (f32.load (i32.add (local.get $w) (local.get $o)))))
      (local.set $o (i32.add (local.get $o) (i32.const 4)))
      (br $sLoop)))))`;

/** The exports of the module above (pointers are byte offsets in the backend's memory). */
export interface SimdKernels {
  conv2dFilterGrad(x: number, dy: number, out: number, n: number, h: number, w: number, c: number, oh: number, ow: number,
    sh: number, sw: number, fh: number, fw: number, top: number, left: number, co: number): void;
  conv2dFilterGradTiled(x: number, dy: number, out: number, n: number, h: number, w: number, c: number, oh: number, ow: number,
    sh: number, sw: number, fh: number, fw: number, top: number, left: number, co: number): void;
  conv2dInputGrad(dy: number, f: number, dx: number, n: number, h: number, w: number, c: number, oh: number, ow: number,
    sh: number, sw: number, fh: number, fw: number, top: number, left: number, co: number): void;
  maxPoolGrad2x2(x: number, g: number, dx: number, n: number, h: number, w: number, c: number, oh: number, ow: number): void;
  addRow(a: number, b: number, out: number, rows: number, c: number): void;
  reluBiasGrad(dy: number, y: number, dx: number, db: number, rows: number, c: number): void;
  adam(w: number, m: number, v: number, g: number, ow: number, om: number, ov: number, n: number,
    b1: number, c1: number, b2: number, c2: number, d1: number, d2: number, eps: number, nlr: number): void;
}

let binary: Promise<Uint8Array<ArrayBuffer>> | null = null;
const instances = new WeakMap<BackendWasm, SimdKernels>();

/** The module's binary, assembled once per process. */
function assembled(): Promise<Uint8Array<ArrayBuffer>> {
  binary ??= wabtInit().then((wabt) => {
    const parsed = wabt.parseWat('modelwright-simd.wat', WAT, { simd: true });
    try {
      parsed.validate();
      return new Uint8Array(parsed.toBinary({}).buffer);
    } finally {
      parsed.destroy();
    }
  });
  return binary;
}

/** The backend's own memory: the Emscripten module exports it as `memory`. */
function backendMemory(backend: BackendWasm): WebAssembly.Memory | null {
  const memory = (backend.wasm as unknown as { asm?: Record<string, unknown> }).asm?.memory;
  return memory instanceof WebAssembly.Memory ? memory : null;
}

/**
 * Instantiates the kernels on `backend`'s memory. Resolves with whether they are in use: not on the threaded
 * build (shared memory), nor where the runtime has no WebAssembly SIMD or the memory cannot be found; the
 * kernels that would use them then keep their composed way.
 */
export async function prepareSimdKernels(backend: BackendWasm): Promise<boolean> {
  if (instances.has(backend)) return true;
  const memory = backendMemory(backend);
  if (!memory || memory.buffer instanceof SharedArrayBuffer) return false;
  try {
    // A few hundred bytes: compiling it synchronously is quicker than a round trip through the event loop.
    const instance = new WebAssembly.Instance(new WebAssembly.Module(await assembled()), { env: { memory } });
    instances.set(backend, instance.exports as unknown as SimdKernels);
    return true;
  } catch {
    // No SIMD in this runtime (or an engine that refuses the module): the composed kernels are correct, only slower.
    return false;
  }
}

/** Where a tensor's data starts in the backend's memory: the byte offset the kernels take as a pointer. */
export function heapOffset(backend: BackendWasm, t: { dataId: object }): number {
  return backend.dataIdMap.get(t.dataId)!.memoryOffset;
}

/** The kernels on `backend`, or null when they were not prepared for it. */
export function simdKernels(backend: BackendWasm): SimdKernels | null {
  return instances.get(backend) ?? null;
}

/** Runs `body` with `backend`'s kernels set aside, so the kernels take their other way (for parity tests and benchmarks). */
export async function withoutSimdKernels<T>(backend: BackendWasm, body: () => Promise<T>): Promise<T> {
  const kernels = instances.get(backend);
  instances.delete(backend);
  try {
    return await body();
  } finally {
    if (kernels) instances.set(backend, kernels);
  }
}
