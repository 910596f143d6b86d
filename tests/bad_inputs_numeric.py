"""Bad inputs to the NumPy modules of utils: each call must fail with the right exception
type and a message that names the argument (and says what is expected).

Modules: linalg, metrics, conv, corrupt, baselines, tiling, features, plots, ood. ``COVERED``
lists every public name these CASES exercise; tests/test_bad_inputs.py runs the cases and
checks that every public name of utils is covered.
"""

import functools

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from utils import baselines, conv, corrupt, features, linalg, metrics, ood, plots, tiling


V, T = ValueError, TypeError

# small valid inputs; each case spoils one argument
IMG = np.full((2, 12, 12), 0.5)                       # grey images in [0, 1]
IMG4 = np.full((2, 12, 12, 1), 0.5, "float32")
RGB = np.full((2, 12, 12, 3), 0.5)
B255 = np.full((2, 12, 12), 128.0)                    # 8-bit pixels, not divided by 255
NANIMG = np.where(np.eye(12, dtype=bool), np.nan, 0.5)[None].repeat(2, 0)
EMPTY = np.zeros((0, 12, 12))
ROWS = np.random.default_rng(0).normal(size=(20, 6))   # (n, d) data
PCA = linalg.pca_fit(ROWS, 3)
CODES = np.random.default_rng(1).random((5, 4))
MASK = np.zeros((2, 12, 12), bool)
MASK[:, 3:6, 3:6] = True


def with_nan(a):
    a = np.array(a, dtype=float)
    a.flat[0] = np.nan
    return a


@functools.cache
def dense_encoder():
    import keras

    return keras.Sequential([keras.Input((16,)), keras.layers.Dense(3, name="enc_0"),
                             keras.layers.Reshape((3, 1), name="shape")])


def tiled(**kwargs):
    args = dict(predict=lambda t: t, image=np.zeros((20, 20, 3)), tile=8)
    args.update(kwargs)
    return tiling.process_tiled(args.pop("predict"), args.pop("image"), **args)


def choose(**kwargs):
    args = dict(denoise=baselines.gaussian_blur, params=(0.5, 1.0), noisy_val=IMG,
                clean_val=IMG, score=metrics.psnr)
    args.update(kwargs)
    return baselines.choose_on_validation(**args)


CASES = [
    # ---- linalg
    ("PCA-mean-2d", lambda: linalg.PCA(np.zeros((2, 6)), PCA.components, PCA.explained_variance),
     V, r"mean has shape \(2, 6\)"),
    ("PCA-components-nan", lambda: linalg.PCA(PCA.mean, with_nan(PCA.components),
                                              PCA.explained_variance),
                                               V, "components contains NaN"),
    ("PCA-mismatch", lambda: linalg.PCA(PCA.mean[:4], PCA.components, PCA.explained_variance),
     V, "components has shape"),
    ("pca_fit-images", lambda: linalg.pca_fit(IMG, 2),
     V, r"x has shape \(2, 12, 12\).*Flatten images first"),
    ("pca_fit-nan", lambda: linalg.pca_fit(with_nan(ROWS), 2), V, "x contains NaN"),
    ("pca_fit-empty", lambda: linalg.pca_fit(np.zeros((0, 6)), 1), V, r"x has shape \(0, 6\)"),
    ("pca_fit-none", lambda: linalg.pca_fit(None, 2), T, "x is None"),
    ("pca_fit-k-0", lambda: linalg.pca_fit(ROWS, 0), V, r"k is 0; expected an integer in \[1, 6\]"),
    ("pca_fit-k-big", lambda: linalg.pca_fit(ROWS, 7), V, "k is 7"),
    ("pca_fit-k-float", lambda: linalg.pca_fit(ROWS, 2.0), T, "k is 2.0"),
    ("pca_fit-k-bool", lambda: linalg.pca_fit(ROWS, True), T, "k is True"),
    ("pca_truncate-tuple", lambda: linalg.pca_truncate(tuple(PCA), 2), T, "pca is"),
    ("pca_truncate-k-big", lambda: linalg.pca_truncate(PCA, 4),
     V, r"k is 4; expected an integer in \[1, 3\]"),
    ("pca_truncate-k-float", lambda: linalg.pca_truncate(PCA, 1.5), T, "k is 1.5"),
    ("pca_reconstruct-pca", lambda: linalg.pca_reconstruct(None, ROWS), T, "pca is None"),
    ("pca_reconstruct-features", lambda: linalg.pca_reconstruct(PCA, ROWS[:, :5]), V,
     "x has 5 features per row; the PCA was fitted on 6"),
    ("pca_reconstruct-images", lambda: linalg.pca_reconstruct(PCA, IMG), V, "x has shape"),
    ("pca_reconstruct-nan", lambda: linalg.pca_reconstruct(PCA, with_nan(ROWS)),
     V, "x contains NaN"),
    ("orthonormal_basis-wide", lambda: linalg.orthonormal_basis(PCA.components), V,
     r"a has shape \(3, 6\): more columns than rows.*pca\.components\.T"),
    ("orthonormal_basis-rank", lambda: linalg.orthonormal_basis(np.ones((4, 2))), V,
     "a .*full column rank"),
    ("orthonormal_basis-1d", lambda: linalg.orthonormal_basis(np.ones(4)),
     V, r"a has shape \(4,\)"),
    ("orthonormal_basis-nan", lambda: linalg.orthonormal_basis(with_nan(np.eye(3))),
     V, "a contains NaN"),
    ("principal_angle_cosines-rows", lambda: linalg.principal_angle_cosines(
        PCA.components.T, PCA.components), V, r"b has shape \(3, 6\).*one vector per column"),
    ("principal_angle_cosines-dims", lambda: linalg.principal_angle_cosines(np.eye(3), np.eye(4)),
     V, "a has 3 rows and b has 4"),
    ("principal_angle_cosines-nan", lambda: linalg.principal_angle_cosines(
        with_nan(np.eye(3)), np.eye(3)), V, "a contains NaN"),
    ("principal_angle_cosines-str", lambda: linalg.principal_angle_cosines("abc", np.eye(3)),
     T, "a is 'abc'"),
    ("components_from_decoder-wide", lambda: linalg.components_from_decoder(
        PCA.components, ROWS), V, "decoder_columns has shape"),
    ("components_from_decoder-features", lambda: linalg.components_from_decoder(
        PCA.components.T, ROWS[:, :4]), V, "x_centred has 4 features but decoder_columns has 6"),
    ("components_from_decoder-nan", lambda: linalg.components_from_decoder(
        PCA.components.T, with_nan(ROWS)), V, "x_centred contains NaN"),
    ("matched_abs_cosines-shape", lambda: linalg.matched_abs_cosines(np.eye(2), np.eye(3)), V,
     r"u has shape \(2, 2\) and v \(3, 3\)"),
    ("matched_abs_cosines-zero", lambda: linalg.matched_abs_cosines(
        np.zeros((1, 2)), np.ones((1, 2))), V, r"u has a zero row \(row 0\)"),
    ("matched_abs_cosines-nan", lambda: linalg.matched_abs_cosines(np.eye(2), with_nan(np.eye(2))),
     V, "v contains NaN"),
    # ---- metrics
    ("per_image_mse-shape", lambda: metrics.per_image_mse(IMG, IMG[:, :11]), V,
     r"x has shape \(2, 12, 12\) and r \(2, 11, 12\)"),
    ("per_image_mse-1d", lambda: metrics.per_image_mse(np.zeros(4), np.zeros(4)),
     V, r"x has shape \(4,\)"),
    ("per_image_mse-empty", lambda: metrics.per_image_mse(EMPTY, EMPTY),
     V, r"x has shape \(0, 12, 12\)"),
    ("per_image_mse-nan", lambda: metrics.per_image_mse(IMG, NANIMG), V, "r contains NaN"),
    ("mse-none", lambda: metrics.mse(None, IMG), T, "x is None"),
    ("mse-shape", lambda: metrics.mse(IMG, IMG.reshape(2, -1)), V, "expected the same shape"),
    ("per_image_squared_error-nan", lambda: metrics.per_image_squared_error(NANIMG, IMG), V,
     "x contains NaN"),
    ("code_sparsity-1d", lambda: metrics.code_sparsity(np.zeros(4)), V, r"codes has shape \(4,\)"),
    ("code_sparsity-nan", lambda: metrics.code_sparsity(with_nan(CODES)), V, "codes contains NaN"),
    ("code_sparsity-threshold-nan", lambda: metrics.code_sparsity(CODES, threshold=np.nan), V,
     "threshold is NaN"),
    ("code_sparsity-threshold-bool", lambda: metrics.code_sparsity(CODES, threshold=True), T,
     "threshold is True"),
    ("code_sparsity-threshold-neg", lambda: metrics.code_sparsity(CODES, threshold=-1), V,
     "threshold is -1"),
    ("psnr-255", lambda: metrics.psnr(B255, IMG), V, "x has values in .*divide by 255"),
    ("psnr-flat", lambda: metrics.psnr(IMG.reshape(2, -1), IMG.reshape(2, -1)), V,
     r"x has shape \(2, 144\)"),
    ("psnr-shape", lambda: metrics.psnr(IMG, IMG4), V, "x has shape .* and r"),
    ("psnr-channels", lambda: metrics.psnr(RGB[..., :2], RGB[..., :2]),
     V, r"x has shape .*\(1, 3\) channels"),
    ("psnr-nan", lambda: metrics.psnr(IMG, NANIMG), V, "r contains NaN"),
    ("psnr-empty", lambda: metrics.psnr(EMPTY, EMPTY), V, r"x has shape \(0, 12, 12\)"),
    ("psnr-max_db-nan", lambda: metrics.psnr(IMG, IMG, max_db=np.nan), V, "max_db is NaN"),
    ("psnr-max_db-str", lambda: metrics.psnr(IMG, IMG, max_db="100"), T, "max_db is '100'"),
    ("ssim-small", lambda: metrics.ssim(IMG[:, :10], IMG[:, :10]), V, "x has images of 10×12"),
    ("ssim-sigma-0", lambda: metrics.ssim(IMG, IMG, sigma=0), V, "sigma is 0"),
    ("ssim-sigma-bool", lambda: metrics.ssim(IMG, IMG, sigma=True), T, "sigma is True"),
    ("ssim-255", lambda: metrics.ssim(B255, B255), V, "divide by 255"),
    ("ssim-nan", lambda: metrics.ssim(NANIMG, IMG), V, "x contains NaN"),
    ("mask_scores-dtype", lambda: metrics.mask_scores(MASK.astype(float), MASK), T,
     "predicted has dtype"),
    ("mask_scores-true-dtype", lambda: metrics.mask_scores(MASK, MASK.astype(int)), T,
     "true has dtype"),
    ("mask_scores-shape", lambda: metrics.mask_scores(MASK[:, :6], MASK), V,
     "predicted has shape"),
    ("mask_scores-empty", lambda: metrics.mask_scores(MASK, np.zeros_like(MASK)), V,
     "true is empty"),
    ("mask_scores-None", lambda: metrics.mask_scores(None, MASK), T, "predicted is None"),
    ("masked_rmse-dtype", lambda: metrics.masked_rmse(IMG, IMG, MASK.astype(float)), T,
     "mask has dtype float64"),
    ("masked_rmse-shape", lambda: metrics.masked_rmse(IMG, IMG, MASK[:, :6]), V, "mask has shape"),
    ("masked_rmse-rank", lambda: metrics.masked_rmse(IMG, IMG, MASK[0, 0]),
     V, r"mask has shape \(12,\)"),
    ("masked_rmse-empty", lambda: metrics.masked_rmse(IMG, IMG, ~(MASK | True)),
     V, "mask is empty"),
    ("masked_rmse-nan", lambda: metrics.masked_rmse(NANIMG, IMG, MASK), V, "x contains NaN"),
    ("frechet_distance-one", lambda: metrics.frechet_distance(ROWS[:1], ROWS), V,
     r"features_a has shape \(1, 6\)"),
    ("frechet_distance-dims", lambda: metrics.frechet_distance(ROWS, ROWS[:, :5]), V,
     "features_a has shape .* and features_b"),
    ("frechet_distance-nan", lambda: metrics.frechet_distance(ROWS, with_nan(ROWS)), V,
     "features_b contains NaN"),
    ("frechet_distance-1d", lambda: metrics.frechet_distance(ROWS[0], ROWS), V,
     r"features_a has shape \(6,\)"),
    ("frechet_distance-eps", lambda: metrics.frechet_distance(ROWS, ROWS, eps=0), V, "eps is 0"),
    # ---- conv
    ("convolve2d-1d", lambda: conv.convolve2d(np.zeros(5), np.ones((2, 2))),
     V, r"image has shape \(5,\)"),
    ("convolve2d-nan", lambda: conv.convolve2d(with_nan(np.ones((4, 4))), np.ones((2, 2))), V,
     "image contains NaN"),
    ("convolve2d-mode", lambda: conv.convolve2d(np.ones((4, 4)), np.ones((2, 2)), "same"), V,
     "mode is 'same'"),
    ("convolve2d-big-kernel", lambda: conv.convolve2d(np.ones((2, 2)), np.ones((3, 3))), V,
     "larger than image"),
    ("convolve2d-kernel-empty", lambda: conv.convolve2d(np.ones((4, 4)), np.ones((2, 0))), V,
     r"kernel has shape \(2, 0\)"),
    ("correlate2d-1d", lambda: conv.correlate2d(np.ones((4, 4)), np.ones(3)),
     V, r"kernel has shape \(3,\)"),
    ("correlate2d-str", lambda: conv.correlate2d("image", np.ones((2, 2))), T, "image is 'image'"),
    ("conv2d_layer-3d", lambda: conv.conv2d_layer(np.zeros((5, 5, 1)), np.zeros((3, 3, 1, 1))), V,
     r"x has shape \(5, 5, 1\)"),
    ("conv2d_layer-channels", lambda: conv.conv2d_layer(
        np.zeros((1, 5, 5, 1)), np.zeros((3, 3, 2, 1))), V, r"kernel has shape \(3, 3, 2, 1\)"),
    ("conv2d_layer-stride-0", lambda: conv.conv2d_layer(
        np.zeros((1, 5, 5, 1)), np.zeros((3, 3, 1, 1)), stride=0), V, "stride is 0"),
    ("conv2d_layer-stride-float", lambda: conv.conv2d_layer(
        np.zeros((1, 5, 5, 1)), np.zeros((3, 3, 1, 1)), stride=1.0), T, "stride is 1.0"),
    ("conv2d_layer-padding", lambda: conv.conv2d_layer(
        np.zeros((1, 5, 5, 1)), np.zeros((3, 3, 1, 1)), padding="SAME"), V, "padding is 'SAME'"),
    ("conv2d_layer-nan", lambda: conv.conv2d_layer(with_nan(np.zeros((1, 5, 5, 1))),
                                                   np.zeros((3, 3, 1, 1))), V, "x contains NaN"),
    # ---- corrupt
    ("gaussian-255", lambda: corrupt.gaussian(B255, 0.1), V, "x has values in .*divide by 255"),
    ("gaussian-2d", lambda: corrupt.gaussian(IMG[0], 0.1), V, r"x has shape \(12, 12\)"),
    ("gaussian-empty", lambda: corrupt.gaussian(EMPTY, 0.1), V, r"x has shape \(0, 12, 12\)"),
    ("gaussian-sigma-neg", lambda: corrupt.gaussian(IMG, -0.1), V, "sigma is -0.1"),
    ("gaussian-sigma-nan", lambda: corrupt.gaussian(IMG, np.nan), V, "sigma is NaN"),
    ("gaussian-sigma-str", lambda: corrupt.gaussian(IMG, "0.1"), T, "sigma is '0.1'"),
    ("gaussian-clip", lambda: corrupt.gaussian(IMG, 0.1, clip="no"), T, "clip is 'no'"),
    ("gaussian-seed", lambda: corrupt.gaussian(IMG, 0.1, seed=-3), V, "seed is -3"),
    ("salt_and_pepper-fraction", lambda: corrupt.salt_and_pepper(IMG, 1.5), V,
     r"fraction is 1.5; expected a number in \[0, 1\]"),
    ("salt_and_pepper-nan", lambda: corrupt.salt_and_pepper(NANIMG, 0.1), V, "x contains NaN"),
    ("salt_and_pepper-int", lambda: corrupt.salt_and_pepper(np.ones((2, 4, 4), "uint8"), 0.1), T,
     "x has dtype uint8"),
    ("masking-fraction", lambda: corrupt.masking(IMG, -0.2), V, "fraction is -0.2"),
    ("masking-fraction-bool", lambda: corrupt.masking(IMG, False), T, "fraction is False"),
    ("masking-seed", lambda: corrupt.masking(IMG, 0.2, seed=0.5), T, "seed is 0.5"),
    ("corrupt-kind", lambda: corrupt.corrupt(IMG, "speckle", 0.1), V, "kind is 'speckle'"),
    ("corrupt-kind-list", lambda: corrupt.corrupt(IMG, ["masking"], 0.1), T, "kind is"),
    ("corrupt-amount", lambda: corrupt.corrupt(IMG, "masking", np.nan), V, "fraction is NaN"),
    # ---- baselines
    ("gaussian_blur-sigma-0", lambda: baselines.gaussian_blur(IMG, 0), V, "sigma is 0"),
    ("gaussian_blur-sigma-str", lambda: baselines.gaussian_blur(IMG, "1"), T, "sigma is '1'"),
    ("gaussian_blur-255", lambda: baselines.gaussian_blur(B255, 1.0), V, "divide by 255"),
    ("gaussian_blur-2d", lambda: baselines.gaussian_blur(IMG[0], 1.0),
     V, r"x has shape \(12, 12\)"),
    ("gaussian_blur-nan", lambda: baselines.gaussian_blur(NANIMG, 1.0), V, "x contains NaN"),
    ("gaussian_blur-empty", lambda: baselines.gaussian_blur(EMPTY, 1.0),
     V, r"x has shape \(0, 12, 12\)"),
    ("median_filter-size-0", lambda: baselines.median_filter(IMG, 0), V, "size is 0"),
    ("median_filter-size-float", lambda: baselines.median_filter(IMG, 2.5), T, "size is 2.5"),
    ("median_filter-5d", lambda: baselines.median_filter(IMG[..., None, None], 3),
     V, "x has shape"),
    ("pca_projection-pca", lambda: baselines.pca_projection(IMG, "pca"), T, "pca is 'pca'"),
    ("pca_projection-pixels", lambda: baselines.pca_projection(IMG, PCA), V,
     "x has 144 features per row; the PCA was fitted on 6"),
    ("pca_projection-255", lambda: baselines.pca_projection(B255, PCA), V, "divide by 255"),
    ("total_variation-weight-0", lambda: baselines.total_variation(IMG, 0), V, "weight is 0"),
    ("total_variation-255", lambda: baselines.total_variation(B255, 0.1), V, "divide by 255"),
    ("non_local_means-h-neg", lambda: baselines.non_local_means(IMG, -0.1), V, "h is -0.1"),
    ("non_local_means-patch-0", lambda: baselines.non_local_means(IMG, 0.1, patch_size=0), V,
     "patch_size is 0"),
    ("wavelet-sigma-str", lambda: baselines.wavelet(IMG, "1"), T, "sigma is '1'"),
    ("wavelet-nan", lambda: baselines.wavelet(NANIMG, 0.2), V, "x contains NaN"),
    ("bm3d-sigma-0", lambda: baselines.bm3d(IMG, 0), V, "sigma is 0"),
    ("bm3d-per_row-float", lambda: baselines.bm3d(IMG, 0.2, per_row=2.5), T, "per_row is 2.5"),
    ("WienerFilter-shapes", lambda: baselines.WienerFilter(IMG, IMG[:1]), V,
     "noisy has shape"),
    ("WienerFilter-255", lambda: baselines.WienerFilter(B255, IMG), V, "divide by 255"),
    ("WienerFilter-add-size", lambda: baselines.WienerFilter(IMG, IMG).add(
        IMG[:, :6, :6], IMG[:, :6, :6]), V, "noisy has images of shape"),
    ("WienerFilter-add-255", lambda: baselines.WienerFilter(IMG, IMG).add(B255, IMG), V,
     "divide by 255"),
    ("WienerFilter-ridge-0", lambda: baselines.WienerFilter(IMG, IMG)(IMG, 0), V, "ridge is 0"),
    ("WienerFilter-other-size", lambda: baselines.WienerFilter(IMG, IMG)(IMG[:, :6, :6], 1.0),
     V, r"x has images of shape \(6, 6\); the filter was fitted on \(12, 12\)"),
    ("debias-offset-big", lambda: baselines.debias(IMG, 2.0), V,
     r"offset is 2; expected a number in \[-1, 1\]"),
    ("debias-range", lambda: baselines.debias(IMG + 5, 0.1), V, "x has values in"),
    ("choose_on_validation-offsets-empty", lambda: choose(offsets=()), V, "offsets is empty"),
    ("choose_on_validation-empty", lambda: choose(params=()), V, "params is empty"),
    ("choose_on_validation-scalar", lambda: choose(params=1.0), T, "params is 1.0"),
    ("choose_on_validation-denoise", lambda: choose(denoise="blur"), T, "denoise is 'blur'"),
    ("choose_on_validation-score", lambda: choose(score=None), T, "score is None"),
    ("choose_on_validation-shapes", lambda: choose(noisy_val=IMG[:1]), V,
     r"noisy_val has shape \(1, 12, 12\) and clean_val"),
    ("choose_on_validation-255", lambda: choose(clean_val=B255),
     V, "clean_val has values .*divide by 255"),
    ("choose_on_validation-nan-score", lambda: choose(score=lambda a, b: np.full(len(a), np.nan)),
     V, r"score\(clean_val, denoise\(noisy_val, 0.5\)\) contains NaN"),
    ("inpaint_biharmonic-dtype", lambda: baselines.inpaint_biharmonic(IMG, MASK.astype(int)), T,
     "mask has dtype"),
    ("inpaint_biharmonic-shape", lambda: baselines.inpaint_biharmonic(IMG, MASK[:1]), V,
     r"mask has shape \(1, 12, 12\)"),
    ("inpaint_biharmonic-255", lambda: baselines.inpaint_biharmonic(B255, MASK),
     V, "divide by 255"),
    # ---- tiling
    ("process_tiled-batch-neg", lambda: tiled(batch_size=-1), V, "batch_size is -1"),
    ("process_tiled-batch-0", lambda: tiled(batch_size=0), V, "batch_size is 0"),
    ("process_tiled-batch-float", lambda: tiled(batch_size=1.5), T, "batch_size is 1.5"),
    ("process_tiled-window", lambda: tiled(window="hann"), V, "window is 'hann'"),
    ("tile_window-tile", lambda: tiling.tile_window(0), V, "tile is 0"),
    ("tile_window-window", lambda: tiling.tile_window(8, None), V, "window is None"),
    ("process_tiled-predict", lambda: tiled(predict="model"), T, "predict is 'model'"),
    ("process_tiled-predict-shape", lambda: tiled(predict=lambda t: t[:, 1:]), V,
     "predict returned shape"),
    ("process_tiled-predict-none", lambda: tiled(predict=lambda t: None),
     T, "predict's output is None"),
    ("process_tiled-image-2d", lambda: tiled(image=np.zeros((20, 20))),
     V, r"image has shape \(20, 20\)"),
    ("process_tiled-image-nan", lambda: tiled(image=with_nan(np.zeros((20, 20, 3)))), V,
     "image contains NaN"),
    ("process_tiled-image-empty", lambda: tiled(image=np.zeros((20, 0, 3))),
     V, r"image has shape \(20, 0, 3\)"),
    ("process_tiled-tile-0", lambda: tiled(tile=0), V, "tile is 0"),
    ("process_tiled-tile-float", lambda: tiled(tile=8.0), T, "tile is 8.0"),
    ("process_tiled-stride", lambda: tiled(stride=9),
     V, r"stride is 9; expected an integer in \[1, 8\]"),
    ("process_tiled-stride-0", lambda: tiled(stride=0), V, "stride is 0"),
    # ---- features
    ("first_layer_filters-encoder", lambda: features.first_layer_filters({"enc_0": None}), T,
     "encoder is dict; expected a keras.Model"),
    ("first_layer_filters-layer", lambda: features.first_layer_filters(dense_encoder(), "enc_1",
                                                                       (4, 4)), V,
     "layer is 'enc_1'; the encoder has no such layer"),
    ("first_layer_filters-layer-type", lambda: features.first_layer_filters(dense_encoder(), 0,
                                                                            (4, 4)),
                                                                             T, "layer is 0"),
    ("first_layer_filters-no-kernel", lambda: features.first_layer_filters(dense_encoder(), "shape",
                                                                           (4, 4)), V,
     "layer is 'shape', which has no 2-D kernel"),
    ("first_layer_filters-shape", lambda: features.first_layer_filters(dense_encoder()), V,
     r"layer 'enc_0' has 16 inputs; image_shape \(28, 28\) has 784"),
    ("first_layer_filters-shape-int", lambda: features.first_layer_filters(dense_encoder(),
                                                                           image_shape=16), T,
     "image_shape is 16"),
    ("first_layer_filters-shape-zero", lambda: features.first_layer_filters(
        dense_encoder(), image_shape=(16, 0)), V, r"image_shape\[1\] is 0"),
    ("top_activating-1d", lambda: features.top_activating(CODES[0]), V, r"codes has shape \(4,\)"),
    ("top_activating-nan", lambda: features.top_activating(with_nan(CODES)),
     V, "codes contains NaN"),
    ("top_activating-k", lambda: features.top_activating(CODES, k=6),
     V, r"k is 6; expected an integer in \[1, 5\]"),
    ("top_activating-k-float", lambda: features.top_activating(CODES, k=2.0), T, "k is 2.0"),
    ("top_activating-units", lambda: features.top_activating(CODES, units=[4]), V,
     r"units is \[4\]; expected indices in \[0, 4\)"),
    ("top_activating-units-neg", lambda: features.top_activating(CODES, units=[-1]),
     V, r"units\[0\] is -1"),
    ("top_activating-units-str", lambda: features.top_activating(CODES, units="0"),
     T, "units is '0'"),
    ("top_activating-units-empty", lambda: features.top_activating(CODES, units=[]), V, "units is"),
    ("single_unit_codes-dim", lambda: features.single_unit_codes(0, [0]), V, "code_dim is 0"),
    ("single_unit_codes-dim-float", lambda: features.single_unit_codes(4.0, [0]),
     T, "code_dim is 4.0"),
    ("single_unit_codes-units", lambda: features.single_unit_codes(4, [4]), V, "units is"),
    ("single_unit_codes-units-int", lambda: features.single_unit_codes(4, 2), T, "units is 2"),
    ("single_unit_codes-on", lambda: features.single_unit_codes(4, [1], on=np.inf), V, "on is inf"),
    ("single_unit_codes-off", lambda: features.single_unit_codes(4, [1], off="0"), T, "off is '0'"),
    # ---- plots
    ("image_rows-empty", lambda: plots.image_rows({}), V, "rows is empty"),
    ("image_rows-list", lambda: plots.image_rows([IMG]), T, "rows is"),
    ("image_rows-rank", lambda: plots.image_rows({"x": IMG[0]}),
     V, r"rows\['x'\] has shape \(12, 12\)"),
    ("image_rows-nan", lambda: plots.image_rows({"x": NANIMG}), V, r"rows\['x'\] contains NaN"),
    ("image_rows-255", lambda: plots.image_rows({"x": B255}), V, r"rows\['x'\] .*divide by 255"),
    ("image_rows-n", lambda: plots.image_rows({"x": IMG}, n=0), V, "n is 0"),
    ("image_rows-n-float", lambda: plots.image_rows({"x": IMG}, n=4.0), T, "n is 4.0"),
    ("image_rows-cell", lambda: plots.image_rows({"x": IMG}, cell=-1), V, "cell is -1"),
    ("image_rows-title", lambda: plots.image_rows({"x": IMG}, title=3), T, "title is 3"),
    ("image_grid-ncols", lambda: plots.image_grid(IMG, ncols=0), V, "ncols is 0"),
    ("image_grid-ncols-float", lambda: plots.image_grid(IMG, ncols=2.0), T, "ncols is 2.0"),
    ("image_grid-titles", lambda: plots.image_grid(IMG, titles=["a"]),
     V, "titles has 1 entries for 2"),
    ("image_grid-titles-str", lambda: plots.image_grid(IMG, titles="ab"), T, "titles is 'ab'"),
    ("image_grid-nan", lambda: plots.image_grid(NANIMG), V, "images contains NaN"),
    ("image_grid-channels", lambda: plots.image_grid(RGB[..., :2]), V, "images has shape"),
    ("image_grid-symmetric", lambda: plots.image_grid(IMG, symmetric="yes"),
     T, "symmetric is 'yes'"),
    ("image_grid-cmap", lambda: plots.image_grid(IMG, cmap=None), T, "cmap is None"),
    ("plot_history-empty", lambda: plots.plot_history({}), V, "histories is empty"),
    ("plot_history-key", lambda: plots.plot_history({"a": {"loss": [1]}}), V, "has no 'val_loss'"),
    ("plot_history-keys-str", lambda: plots.plot_history({"a": {"loss": [1]}}, keys="loss"), T,
     "keys is 'loss'"),
    ("plot_history-entry", lambda: plots.plot_history({"a": [1, 2]}), T, r"histories\['a'\] is"),
    ("plot_history-log", lambda: plots.plot_history(
        {"a": {"loss": [1], "val_loss": [1]}}, log=1), T, "log is 1"),
    ("plot_codes_2d-cols", lambda: plots.plot_codes_2d(np.zeros((4, 3)), np.arange(4)), V,
     r"codes has shape \(4, 3\); expected \(N, 2\)"),
    ("plot_codes_2d-labels-len", lambda: plots.plot_codes_2d(np.zeros((4, 2)), np.arange(3)), V,
     "labels has 3 labels; expected 4"),
    ("plot_codes_2d-labels-float", lambda: plots.plot_codes_2d(np.zeros((4, 2)), np.zeros(4)), T,
     "labels has dtype float64"),
    ("plot_codes_2d-nan", lambda: plots.plot_codes_2d(with_nan(np.zeros((4, 2))), np.arange(4)), V,
     "codes contains NaN"),
    ("plot_codes_2d-class_names", lambda: plots.plot_codes_2d(np.zeros((4, 2)), np.arange(4),
                                                              class_names=["a", "b"]), V,
     "class_names is .* expected 10 names"),
    ("plot_lines-length", lambda: plots.plot_lines([1, 2], {"a": [1]}, xlabel="", ylabel=""), V,
     "series 'a' has"),
    ("plot_lines-x-2d", lambda: plots.plot_lines(
        np.zeros((2, 2)), {"a": [1, 2]}, xlabel="", ylabel=""), V, r"x has shape \(2, 2\)"),
    ("plot_lines-nan", lambda: plots.plot_lines(
        [1, 2], {"a": [1, np.nan]}, xlabel="", ylabel=""), V, r"series\['a'\] contains NaN"),
    ("plot_lines-series-empty", lambda: plots.plot_lines([1, 2], {}, xlabel="", ylabel=""), V,
     "series is empty"),
    ("plot_lines-errors-label", lambda: plots.plot_lines(
        [1, 2], {"a": [1, 2]}, errors={"b": [1, 1]}, xlabel="", ylabel=""), V, "not in series"),
    ("plot_lines-errors-type", lambda: plots.plot_lines([1, 2], {"a": [1, 2]}, errors=[1, 1],
                                                        xlabel="", ylabel=""), T, "errors is"),
    ("plot_lines-logx", lambda: plots.plot_lines([1, 2], {"a": [1, 2]}, xlabel="", ylabel="",
                                                 logx="yes"), T, "logx is 'yes'"),
    ("plot_lines-xlabel", lambda: plots.plot_lines([1, 2], {"a": [1, 2]}, xlabel=None, ylabel=""),
     T, "xlabel is None"),
    ("plot_histograms-empty-sample", lambda: plots.plot_histograms({"x": []}, xlabel="v"), V,
     r"samples\['x'\] is empty"),
    ("plot_histograms-empty", lambda: plots.plot_histograms({}, xlabel="v"), V, "samples is empty"),
    ("plot_histograms-nan", lambda: plots.plot_histograms({"x": [1, np.nan]}, xlabel="v"), V,
     r"samples\['x'\] contains NaN"),
    ("plot_histograms-bins", lambda: plots.plot_histograms({"x": [1, 2]}, bins=0, xlabel="v"), V,
     "bins is 0"),
    ("plot_histograms-bins-float", lambda: plots.plot_histograms(
        {"x": [1, 2]}, bins=10.0, xlabel="v"), T, "bins is 10.0"),
    ("plot_histograms-range", lambda: plots.plot_histograms(
        {"x": [1, 2]}, range_=(1, 0), xlabel="v"), V, "range_ is .*expected low < high"),
    ("plot_histograms-range-nan", lambda: plots.plot_histograms({"x": [1, 2]}, range_=(0, np.nan),
                                                                xlabel="v"),
                                                                 V, r"range_\[1\] is NaN"),
    ("plot_histograms-range-scalar", lambda: plots.plot_histograms({"x": [1, 2]}, range_=1,
                                                                   xlabel="v"), T, "range_ is 1"),
    ("plot_histograms-mapping", lambda: plots.plot_histograms([1, 2], xlabel="v"), T, "samples is"),
    ("mosaic-rgb", lambda: plots.mosaic(RGB, 2), V, "grey-level"),
    ("mosaic-255", lambda: plots.mosaic(B255, 2), V, "images has values .*divide by 255"),
    ("mosaic-nan", lambda: plots.mosaic(NANIMG, 2), V, "images contains NaN"),
    ("mosaic-ncols", lambda: plots.mosaic(IMG, 0), V, "ncols is 0"),
    ("mosaic-cell", lambda: plots.mosaic(IMG, 2, cell=0), V, "cell is 0"),
    ("mosaic_canvas-ncols-float", lambda: plots.mosaic_canvas(IMG, 2.0), T, "ncols is 2.0"),
    ("mosaic_canvas-gap", lambda: plots.mosaic_canvas(IMG, 2, gap=-1), V, "gap is -1"),
    ("mosaic_canvas-2d", lambda: plots.mosaic_canvas(IMG[0], 2), V, r"images has shape \(12, 12\)"),
    ("mosaic_canvas-empty", lambda: plots.mosaic_canvas(EMPTY, 2),
     V, r"images has shape \(0, 12, 12\)"),
    # ood
    ("image_set-name", lambda: ood.image_set("cats", 3), V, "name is 'cats'"),
    ("image_set-n", lambda: ood.image_set("blank", 0), V, "n is 0"),
    ("image_set-seed", lambda: ood.image_set("blank", 2, seed=None), T, "seed is None"),
    ("detection_scores-2d", lambda: ood.detection_scores(ROWS, [1.0]), V, "in_scores has shape"),
    ("detection_scores-nan", lambda: ood.detection_scores([0.1], [np.nan]), V,
     "out_scores contains NaN"),
    ("detection_scores-empty", lambda: ood.detection_scores([], [1.0]), V, "in_scores has shape"),
    ("precision_at_k-features", lambda: ood.precision_at_k(ROWS, np.zeros(20, int), ROWS[:, :3],
                                                          np.zeros(20, int)), V,
     "query has 6 features per row and base 3"),
    ("precision_at_k-labels", lambda: ood.precision_at_k(ROWS, np.zeros(19, int), ROWS,
                                                        np.zeros(20, int)), V,
     "query_labels has 19 labels"),
    ("precision_at_k-float-labels", lambda: ood.precision_at_k(ROWS, np.zeros(20), ROWS,
                                                              np.zeros(20, int)), T,
     "query_labels has dtype float64"),
    ("precision_at_k-k", lambda: ood.precision_at_k(ROWS, np.zeros(20, int), ROWS,
                                                   np.zeros(20, int), k=21), V, "k is 21"),
    ("ink-255", lambda: ood.ink(B255), V, "images has values in"),
    ("slant-rgb", lambda: ood.slant(RGB), V, r"images has shape \(2, 12, 12, 3\)"),
    ("complexity_bits-nan", lambda: ood.complexity_bits(NANIMG), V, "images contains NaN"),
]
# 0..255 images refused everywhere; window and tile sizes capped by the image size
CASES += [
    ("per_image_mse-255", lambda: metrics.per_image_mse(B255, IMG), V,
     r"x has values in \[128, 128\]; expected images in \[0, 1\] \(or centred images, in "
     r"\[-1, 1\]\) \(8-bit pixels\? divide by 255\)"),
    ("mse-255", lambda: metrics.mse(B255, IMG), V, "x has values .*divide by 255"),
    ("per_image_squared_error-255", lambda: metrics.per_image_squared_error(B255, IMG), V,
     "x has values .*divide by 255"),
    ("masked_rmse-255", lambda: metrics.masked_rmse(B255, IMG, MASK), V,
     "x has values .*divide by 255"),
    ("gaussian_blur-sigma-big", lambda: baselines.gaussian_blur(IMG, 100.0), V,
     r"sigma is 100; expected a number in \(0, 12\] \(at most the images' smaller side, "
     r"12 pixels\)"),
    ("median_filter-size-big", lambda: baselines.median_filter(IMG, 50), V,
     r"size is 50; expected an integer in \[1, 12\] \(at most the images' smaller side"),
    ("process_tiled-tile-big", lambda: tiled(tile=1000), V,
     r"tile is 1000; expected an integer in \[1, 40\] \(at most twice the image's larger "
     r"side, 20 pixels\)"),
    ("process_tiled-255", lambda: tiled(image=np.full((20, 20, 3), 128.0)), V,
     "image has values .*divide by 255"),
    ("mosaic_canvas-255", lambda: plots.mosaic_canvas(B255, 2), V,
     "images has values .*divide by 255"),
]


COVERED = {
    "linalg.PCA", "linalg.pca_fit", "linalg.pca_truncate", "linalg.pca_reconstruct",
    "linalg.orthonormal_basis", "linalg.principal_angle_cosines",
    "linalg.components_from_decoder", "linalg.matched_abs_cosines",
    "metrics.per_image_mse", "metrics.mse", "metrics.per_image_squared_error",
    "metrics.code_sparsity", "metrics.psnr", "metrics.ssim", "metrics.masked_rmse", "metrics.mask_scores",
    "metrics.frechet_distance",
    "conv.convolve2d", "conv.correlate2d", "conv.conv2d_layer",
    "corrupt.gaussian", "corrupt.salt_and_pepper", "corrupt.masking", "corrupt.corrupt",
    "baselines.gaussian_blur", "baselines.median_filter", "baselines.pca_projection",
    "baselines.choose_on_validation", "baselines.inpaint_biharmonic",
    "baselines.total_variation", "baselines.non_local_means", "baselines.wavelet",
    "baselines.bm3d", "baselines.debias", "baselines.WienerFilter",
    "tiling.process_tiled", "tiling.tile_window",
    "features.first_layer_filters", "features.top_activating", "features.single_unit_codes",
    "plots.image_rows", "plots.image_grid", "plots.plot_history", "plots.plot_codes_2d",
    "plots.plot_lines", "plots.plot_histograms", "plots.mosaic", "plots.mosaic_canvas",
    "ood.image_set", "ood.detection_scores", "ood.precision_at_k", "ood.ink", "ood.slant",
    "ood.complexity_bits",
}
