# %% [markdown]
# # 02 · Stacked (deep) autoencoders: depth, overfitting, tied weights, greedy training
#
# **Slides:** "Stacked Autoencoders" — "Autoencoders can have multiple hidden layers … Adding
# more layers helps the autoencoder learn more complex codings. But be careful about
# overfitting!"
#
# A *stacked* (or *deep*) autoencoder has several hidden layers in its encoder and, mirrored,
# in its decoder: 784-100-30-100-784 is the classic shape. This notebook measures what depth
# buys against PCA, makes overfitting happen on purpose and cures it four ways, halves the
# parameters by tying the decoder to the encoder, and tries the historical recipe of training
# one layer at a time.
#
# **Learning goals**
# - build stacked autoencoders from their layer sizes and read what a 30-number code captured;
# - compare a 30-d deep code with PCA-30 on held-out digits (Hinton & Salakhutdinov, 2006);
# - recognise overfitting in training/validation curves, and measure four cures;
# - tie decoder weights to the encoder (`utils.layers.DenseTranspose`) and count what it saves;
# - judge greedy layer-wise pretraining against end-to-end training at an equal step budget.
#
# **Time:** about TIME_FAST in fast mode (CI) and about TIME_FULL in full mode on a 2-core CPU.

# %% [markdown]
# ## Set-up
# As in every notebook: one call for mode, seeds and budgets; every number is measured on the
# test split, which nothing is trained or tuned on. Throughout, the *per-image squared error*
# is the sum over the 784 pixels of $(x_i - r_i)^2$, averaged over test images.

# %%
from utils import config

cfg = config.setup("02_stacked_autoencoders")
B = cfg.budget

import time

import keras
import matplotlib.pyplot as plt
import numpy as np
from sklearn.manifold import TSNE

from utils import data, linalg, metrics, models, plots, report, training

ds = data.load(cfg.data_source).subset(B.n_train, B.n_val, B.n_test)
rep = report.Report(cfg, data_source=ds.source)
x_train, x_val, x_test = ds.x_train, ds.x_val, ds.x_test
print(ds)

# %% [markdown]
# Every model below is trained with the same protocol unless a section says otherwise:
# Adam, the same learning rate, batch size and epoch cap, early stopping on the validation
# loss that restores the best weights, seed reset before each model. `train` records the
# wall time and the test error so that the final comparison table is one line per call.

# %%
pca30 = linalg.pca_fit(data.flatten(x_train), B.code)
se_pca30 = metrics.per_image_squared_error(
    data.flatten(x_test), linalg.pca_reconstruct(pca30, data.flatten(x_test))).mean()
print(f"PCA-{B.code}: test per-image squared error {se_pca30:.2f}")

results = {}  # name -> row of the final comparison table


def train(name, parts, *, epochs=B.epochs, patience=B.patience, x=x_train, protocol="early stop"):
    keras.utils.set_random_seed(cfg.seed)
    parts.autoencoder.compile(optimizer=keras.optimizers.Adam(B.lr), loss="mse")
    t0 = time.perf_counter()
    hist = training.fit_autoencoder(parts.autoencoder, x, x_val, epochs=epochs,
                                    batch_size=B.batch_size, patience=patience, label=name)
    seconds = time.perf_counter() - t0
    se = metrics.per_image_squared_error(x_test, parts.autoencoder.predict(x_test, verbose=0)).mean()
    results[name] = dict(model=name, parameters=parts.autoencoder.count_params(),
                         protocol=protocol, epochs=len(hist.history["loss"]),
                         train_s=round(seconds, 1), test_sq_error=float(se),
                         vs_pca30=float(se / se_pca30))
    return hist

# %% [markdown]
# ## 1 · A stacked autoencoder, 784-100-30-100-784
#
# `models.build_stacked_autoencoder` takes the encoder's widths, code last; the decoder mirrors
# them. Hidden layers use ReLU, the 30-unit code is linear, and the output a sigmoid, because
# pixels live in [0, 1].

# %%
stacked = models.build_stacked_autoencoder(sizes=B.stacked_sizes, name="stacked_100_30")
stacked.autoencoder.summary()
hist_stacked = train("stacked 784-100-30", stacked)
plots.image_rows({"input": x_test, "784-100-30": stacked.autoencoder.predict(x_test, verbose=0)},
                 n=B.n_show)
plt.show()

# %% [markdown]
# **What did the 30 numbers capture?** t-SNE maps the 30-d codes of test digits to 2-D while
# keeping neighbours together. The encoder never saw a label; the colours are added afterwards.

# %%
codes = stacked.encoder.predict(x_test[:B.tsne_n], verbose=0)
xy = TSNE(n_components=2, init="pca", perplexity=30, random_state=cfg.seed).fit_transform(codes)
plots.plot_codes_2d(xy, ds.y_test[:B.tsne_n], title="t-SNE of the 30-d codes (test digits)")
plt.show()

# %% [markdown]
# ## 2 · Depth against PCA, and deep against shallow
#
# Hinton & Salakhutdinov (2006) showed a deep 30-d code reconstructing digits far better than
# PCA-30. Here we have 3,500 training images rather than 60,000, and the slide's warning
# applies: a deeper encoder has more ways to memorise. Two models at the same code size:
# a **shallow** autoencoder (784-30-784: the code *is* the only hidden layer) and a **deep**
# one (784-256-128-30-…) trained with Gaussian noise on its input (σ = 0.2) so that depth
# can pay off instead of overfitting (section 3 measures why).

# %%
shallow = models.build_stacked_autoencoder(sizes=(B.code,), name="shallow_30")
train("shallow 784-30", shallow)
deep = models.build_stacked_autoencoder(sizes=B.deep_sizes, input_noise=B.deep_noise,
                                        name="deep_noisy")
train("deep 784-256-128-30 + input noise", deep)

for name in ("shallow 784-30", "stacked 784-100-30", "deep 784-256-128-30 + input noise"):
    r = results[name]
    print(f"{name:36s} test squared error {r['test_sq_error']:6.2f}  = {r['vs_pca30']:.3f} × PCA-30")
best_30d = min(r["test_sq_error"] for r in results.values())
rep.record("best_30d_code_over_pca30", best_30d / se_pca30)

# %%
rows = {"input": x_test, f"PCA-{B.code}": linalg.pca_reconstruct(
            pca30, data.flatten(x_test)).reshape(x_test.shape),
        "shallow": shallow.autoencoder.predict(x_test, verbose=0),
        "deep": deep.autoencoder.predict(x_test, verbose=0)}
plots.image_rows(rows, n=B.n_show, title="30 numbers per digit")
plt.show()

# %% [markdown]
# ## 3 · Overfitting, shown and cured
#
# To see overfitting clearly we give a large deep autoencoder (784-256-128-30, 476 k
# parameters) only a few hundred training images and many epochs *without* early stopping.
# The training loss keeps falling; the validation loss turns round and rises: the model is
# memorising the training digits. Then four cures, each trained from the same start on the
# same images for the same epochs, measured on the same validation and test splits:
#
# | cure | what it does |
# |---|---|
# | early stopping | keep the weights from the epoch with the lowest validation loss |
# | input noise | add Gaussian noise to the inputs while training (the target stays clean) |
# | weight decay | shrink every weight towards 0 a little at each step: $w \leftarrow w - \eta\lambda w$ (AdamW's *decoupled* decay; an L2 term in the loss does much less with Adam, Loshchilov & Hutter 2019) |
# | smaller model | 784-64-30: fewer parameters to memorise with |
#
# We track the plain reconstruction MSE (`mse`, `val_mse`) of every run.

# %%
small_train = x_train[:B.overfit_n]


def overfit_run(name, parts, patience=None, weight_decay=None):
    keras.utils.set_random_seed(cfg.seed)
    opt = (keras.optimizers.Adam(B.overfit_lr) if weight_decay is None
           else keras.optimizers.AdamW(B.overfit_lr, weight_decay=weight_decay))
    parts.autoencoder.compile(optimizer=opt, loss="mse", metrics=["mse"])
    hist = training.fit_autoencoder(parts.autoencoder, small_train, x_val,
                                    epochs=B.overfit_epochs, batch_size=B.overfit_batch,
                                    patience=patience, label=name)
    h = hist.history
    val_now = float(parts.autoencoder.evaluate(x_val, x_val, verbose=0)[1])
    test_now = float(parts.autoencoder.evaluate(x_test, x_test, verbose=0)[1])
    return dict(run=name, best_val_mse=float(min(h["val_mse"])), final_val_mse=val_now,
                test_mse=test_now, epochs=len(h["val_mse"])), h


big = lambda **kw: models.build_stacked_autoencoder(sizes=B.overfit_sizes, name="big", **kw)
overfit = {}
overfit["no cure"] = overfit_run("no cure", big())
overfit["early stopping"] = overfit_run("early stopping", big(), patience=B.overfit_patience)
overfit["input noise"] = overfit_run("input noise", big(input_noise=B.cure_noise))
overfit["weight decay"] = overfit_run("weight decay", big(), weight_decay=B.cure_weight_decay)
overfit["smaller model"] = overfit_run(
    "smaller model", models.build_stacked_autoencoder(sizes=B.cure_small_sizes, name="small"))

# %%
h0 = overfit["no cure"][1]
best_epoch = int(np.argmin(h0["val_mse"]))
val_rise = h0["val_mse"][-1] / h0["val_mse"][best_epoch] - 1
train_drop = h0["mse"][best_epoch] / h0["mse"][-1] - 1
print(f"no cure: validation MSE lowest at epoch {best_epoch + 1}, then rose by {val_rise:.1%} "
      f"while the training MSE fell by a further {train_drop:.1%}")
rep.record("overfit_val_rise", val_rise)
rep.record("overfit_train_drop_after_best", train_drop)

fig, ax = plt.subplots(figsize=(7, 3.8))
for (name, (row, h)), color in zip(overfit.items(), plt.cm.tab10.colors):
    ax.plot(h["mse"], color=color, linestyle=":", linewidth=1)
    ax.plot(h["val_mse"], color=color, label=name)
ax.axvline(best_epoch, color="gray", linewidth=0.8)
ax.set_yscale("log"), ax.set_xlabel("epoch"), ax.set_ylabel("MSE")
ax.set_title(f"{B.overfit_n} training images: training (dotted) vs validation (solid)")
ax.legend(fontsize=8)
plt.show()

cure_ratio = max(overfit[c][0]["final_val_mse"] / overfit["no cure"][0]["final_val_mse"]
                 for c in overfit if c != "no cure")
rep.record("worst_cure_final_val_over_no_cure", cure_ratio)
report.Table([row for row, _ in overfit.values()], title="Overfitting and its cures")

# %% [markdown]
# ## 4 · Tied weights: the decoder reuses the encoder's kernels
#
# In a symmetric autoencoder the decoder layer that mirrors encoder layer $i$ can use the
# transpose of its kernel, $W_i^\top$, keeping only its own bias. That halves the parameters and
# acts as a regulariser. `utils.layers.DenseTranspose` is such a layer;
# `models.build_tied_autoencoder` stacks them into a model that saves and reloads with the
# ties intact. Same sizes, same training protocol as the untied 784-100-30 of section 1:

# %%
tied = models.build_tied_autoencoder(sizes=B.stacked_sizes, name="tied_100_30")
train("tied 784-100-30", tied)
untied_r, tied_r = results["stacked 784-100-30"], results["tied 784-100-30"]
param_ratio = tied_r["parameters"] / untied_r["parameters"]
error_ratio = tied_r["test_sq_error"] / untied_r["test_sq_error"]
print(f"parameters: untied {untied_r['parameters']:,}, tied {tied_r['parameters']:,} "
      f"(ratio {param_ratio:.3f}); test error ratio tied/untied {error_ratio:.3f}")
rep.record("tied_param_ratio", param_ratio)
rep.record("tied_error_over_untied", error_ratio)

# %% [markdown]
# The tie is real — one variable, not a copy — and survives saving and reloading:

# %%
import tempfile
from pathlib import Path

enc_kernel = tied.autoencoder.encoder_layers[0].kernel
dec_layer = tied.autoencoder.decoder_layers[-1]
print("decoder's kernel is the encoder's variable:", dec_layer.dense.kernel is enc_kernel)
with tempfile.TemporaryDirectory() as tmp:
    path = Path(tmp) / "tied.keras"
    tied.autoencoder.save(path)
    reloaded = keras.models.load_model(path)
same = np.array_equal(reloaded.predict(x_test[:64], verbose=0),
                      tied.autoencoder.predict(x_test[:64], verbose=0))
still_tied = reloaded.decoder_layers[-1].dense is reloaded.encoder_layers[0]
print(f"reloaded: identical outputs {same}, still tied {still_tied}, "
      f"parameters {reloaded.count_params():,}")
assert same and still_tied

# %% [markdown]
# ## 5 · Greedy layer-wise training vs end-to-end
#
# Before good initialisations and optimisers, deep autoencoders were trained **one layer at a
# time**: a shallow autoencoder 784-100-784 on the images, then 100-30-100 on its codes, then the
# two stacked into 784-100-30-100-784 and fine-tuned end to end. We give both recipes the same
# number of optimisation steps, with no early stopping, so that neither gets more updates.

# %%
per_stage = B.greedy_epochs // 3
greedy, greedy_steps = training.train_greedy_layerwise(
    x_train, x_val, B.stacked_sizes, epochs_per_layer=per_stage, batch_size=B.batch_size,
    learning_rate=B.lr)
pretrained_se = metrics.per_image_squared_error(
    x_test, greedy.autoencoder.predict(x_test, verbose=0)).mean()
fine_tune_epochs = B.greedy_epochs - per_stage * len(B.stacked_sizes)
train("greedy layer-wise + fine-tune", greedy, epochs=fine_tune_epochs, patience=None,
      protocol=f"{B.greedy_epochs} epochs' steps")
e2e = models.build_stacked_autoencoder(sizes=B.stacked_sizes, name="end_to_end")
train("end-to-end 784-100-30", e2e, epochs=B.greedy_epochs, patience=None,
      protocol=f"{B.greedy_epochs} epochs' steps")
steps = training.steps_per_epoch(len(x_train), B.batch_size)
print(f"optimisation steps: greedy {greedy_steps} (layers) + {fine_tune_epochs * steps} "
      f"(fine-tune), end-to-end {B.greedy_epochs * steps}")
print(f"stacked layers before fine-tuning: test squared error {pretrained_se:.2f}")
for name in ("greedy layer-wise + fine-tune", "end-to-end 784-100-30"):
    print(f"{name:32s} test squared error {results[name]['test_sq_error']:.2f}")

# %% [markdown]
# ## 6 · All variants under one protocol
#
# One seed, one data split, the same optimiser and batch size; "early stop" rows share the
# epoch cap and patience, the two fixed-budget rows share their number of steps.

# %%
table_rows = [dict(model=f"PCA-{B.code}", parameters=2 * 784 * B.code + 784, protocol="SVD",
                   epochs=0, train_s=0.0, test_sq_error=float(se_pca30), vs_pca30=1.0)]
table_rows += sorted(results.values(), key=lambda r: r["test_sq_error"])
report.Table(table_rows, title="Test per-image squared error, 30-d codes")

# %% [markdown]
# **Reading the table.** Measured, not assumed:
# - On 3,500 digits the best 30-d autoencoders reconstruct with well under PCA-30's error;
#   depth helps only together with a regulariser (here input noise) — the plain 784-100-30
#   barely beats the *shallow* 784-30.
# - Tied weights halve the parameters and, at this data size, lose nothing (the tie is itself
#   a regulariser).
# - Greedy layer-wise pretraining was the way to train deep autoencoders with sigmoid units and
#   plain SGD (2006). With ReLU, Adam and Glorot initialisation, end-to-end training at the same
#   step budget does at least as well here: pretraining is a historical recipe, not a default.

# %% [markdown]
# ## What you should see
#
# In full mode the bars are the course's quality bars; fast mode (CI) uses looser bars that
# still fail if nothing was learned.

# %%
rep

# %%
rep.check()

# %% [markdown]
# ## Exercises
#
# **Exercise 1 — dropout as a fifth cure.** Train the big overfitting model of section 3 with
# dropout on its input (`input_dropout=0.2`) and compare its best and final validation MSE
# with the other cures.
#
# *Worked solution:*

# %% hidden
row_dropout, h_dropout = overfit_run("input dropout", big(input_dropout=B.cure_dropout))
report.Table([overfit["no cure"][0], overfit["input noise"][0], row_dropout],
             title="Dropout on the input vs noise on the input")
# Dropout zeroes a random fifth of the pixels on every step: like Gaussian noise it stops the
# model from copying pixels it has memorised, so the final validation MSE falls below the
# uncured model's.

# %% [markdown]
# **Exercise 2 — where does the tied model's saving come from?** Count, layer by layer, the
# parameters of the untied and the tied 784-100-30 autoencoders, and explain the ratio you
# measured in section 4.
#
# *Worked solution:*

# %% hidden
print("untied:", {l.name: l.count_params() for l in stacked.encoder.layers + stacked.decoder.layers
                  if l.weights})
print("tied:  ", {l.name: l.count_params() for l in tied.autoencoder.encoder_layers},
      {l.name: int(np.prod(l.bias.shape)) for l in tied.autoencoder.decoder_layers})
# Untied: 784·100+100 and 100·30+30 in the encoder, 30·100+100 and 100·784+784 in the decoder.
# Tied: the decoder keeps only its biases (100 and 784), so the two big kernels are stored once:
# (78,500 + 3,030 + 100 + 784) / 163,814 ≈ 0.503.

# %% [markdown]
# ## Summary
#
# - A stacked autoencoder is several encoder layers down to a code and a mirrored decoder; the
#   builders in `utils.models` take its sizes.
# - On held-out digits a 30-number code beats PCA-30 by a wide margin; depth pays off once it is
#   regularised.
# - Overfitting is visible as training and validation losses parting ways; early stopping, input
#   noise, weight decay and a smaller model each lowered the final validation error.
# - Tied weights halve the parameters at no cost in quality here, and survive save/reload.
# - Greedy layer-wise pretraining is not needed with modern training.
#
# **Next:** [03 · Autoencoders as feature detectors](03_feature_detectors.ipynb) — what the
# learned units respond to, and whether pretraining helps a classifier with few labels.
