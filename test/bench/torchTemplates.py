"""PyTorch side of the template bench (test/bench/templates.bench.ts): trains each template's model, as
Modelwright's PyTorch code generator writes it (app/codegen/pytorch.ts), on random data of the same shape,
batch size and loss, with Adam, and prints samples per second (wall and CPU time) as one JSON line.

Input on stdin: {"threads": N, "minSeconds": S, "models": [{"id", "code", "inputShape", "input",
"outputShape", "loss", "batchSize"}]} where `code` is the generated script (`--check` runs its model once).
"""
import contextlib
import io
import json
import sys
import time

import torch
import torch.nn.functional as F

EPSILON = 1e-7


def load_model_class(code):
    """Runs the generated script with --check (it builds the model and checks one backward pass) and returns its Model."""
    namespace = {"__name__": "modelwright_generated"}
    argv = sys.argv
    sys.argv = ["train.py", "--check"]
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(code, "train.py", "exec"), namespace)
    except SystemExit as stop:
        if stop.code not in (0, None):
            raise RuntimeError(f"the generated script's --check failed: {stop.code}") from None
    finally:
        sys.argv = argv
    return namespace["Model"]


def loss_of(name):
    if name == "categoricalCrossentropy":
        return lambda p, t: -(t * torch.log(p.clamp(EPSILON, 1 - EPSILON))).sum(-1).mean()
    if name == "binaryCrossentropy":
        return lambda p, t: F.binary_cross_entropy(p.clamp(EPSILON, 1 - EPSILON), t)
    return lambda p, t: ((p - t) ** 2).mean()


def data(spec, samples):
    shape = (samples, *spec["inputShape"])
    if spec["input"]["kind"] == "tokens":
        x = torch.randint(0, spec["input"]["vocabulary"], shape).float()
    else:
        x = torch.rand(shape)
    out = (samples, *spec["outputShape"])
    if spec["loss"] == "categoricalCrossentropy":
        y = F.one_hot(torch.randint(0, out[-1], (samples,)), out[-1]).float()
    elif spec["loss"] == "binaryCrossentropy":
        y = torch.randint(0, 2, out).float()
    else:
        y = torch.rand(out)
    return x, y


def measure(spec, code, min_seconds, pool_batches=16):
    torch.manual_seed(42)
    model = load_model_class(code)()
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001, eps=1e-7)
    loss_fn = loss_of(spec["loss"])
    batch = spec["batchSize"]
    x, y = data(spec, pool_batches * batch)

    def step(i):
        start = (i % pool_batches) * batch
        optimizer.zero_grad()
        loss = loss_fn(model(x[start:start + batch]), y[start:start + batch])
        loss.backward()
        optimizer.step()

    t0 = time.perf_counter()
    for i in range(3):
        step(i)
    per_batch = (time.perf_counter() - t0) / 3
    batches = max(1, min(10_000, round(min_seconds / max(per_batch, 1e-6))))
    cpu0, t0 = time.process_time(), time.perf_counter()
    for i in range(batches):
        step(i)
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    return {"samplesPerSec": batches * batch / wall, "samplesPerCpuSec": batches * batch / max(cpu, 1e-9)}


def main():
    job = json.load(sys.stdin)
    torch.set_num_threads(job["threads"])
    results, skipped = [], []
    for spec in job["models"]:
        print(f"  templates: {spec['id']} on pytorch ({job['threads']} thread{'s' if job['threads'] > 1 else ''})", file=sys.stderr, flush=True)
        try:
            results.append({"template": spec["id"], "threads": job["threads"], "batchSize": spec["batchSize"], **measure(spec, spec["code"], job["minSeconds"])})
        except Exception as error:  # one model failing must not hide the others
            skipped.append({"template": spec["id"], "reason": str(error).splitlines()[0] if str(error) else type(error).__name__})
    print(json.dumps({"torch": torch.__version__, "results": results, "skipped": skipped}))


main()
