# Loads TF.js weights into a generated PyTorch script's Model and runs it on the same input as TF.js.
# argv: the generated train.py (no dataset: it only builds the model), a JSON file with TF.js's weights
# per studio layer (in TF.js's order and Keras layout), the input and TF.js's output. Prints the largest
# absolute difference as JSON. Used by pytorchParity.test.ts.
import json
import sys

import torch


def main(script, case):
    with open(script, encoding="utf-8") as file:
        source = file.read()
    # Everything before the --check block: imports, settings, arguments, helpers and the Model class.
    sys.argv = [script]
    namespace = {"__name__": "generated"}
    exec(compile(source[: source.index("\nif ARGS.check:")], script, "exec"), namespace)
    with open(case, encoding="utf-8") as file:
        data = json.load(file)
    model = namespace["Model"]()
    model.eval()
    attribute = {studio: name for name, studio in namespace["STUDIO_NAMES"].items()}
    for layer in data["layers"]:
        module = getattr(model, attribute[layer["name"]])
        weights = [torch.tensor(w["values"], dtype=torch.float32).reshape(w["shape"]) for w in layer["weights"]]
        load(layer["type"], module, weights)
    x = torch.tensor(data["input"], dtype=torch.float32).reshape(data["shape"])
    with torch.no_grad():
        y = model(x).reshape(-1)
    expected = torch.tensor(data["output"], dtype=torch.float32)
    diff = float((y - expected).abs().max()) if y.numel() == expected.numel() else float("inf")
    print(json.dumps({"maxAbsDiff": diff, "size": [y.numel(), expected.numel()]}))


def inner(module, kind):
    """The PyTorch layers of the given kind inside a wrapper (ChannelsFirst, AtAxis...), in order."""
    return [m for m in module.modules() if isinstance(m, kind)]


def assign(target, value):
    with torch.no_grad():
        target.copy_(value)


def load(kind, module, weights):
    if kind in ("Dense", "TimeDistributed"):
        assign(module.weight, weights[0].T)
        if len(weights) > 1:
            assign(module.bias, weights[1])
    elif kind in ("Conv1D", "Conv2D"):
        conv = inner(module, (torch.nn.Conv1d, torch.nn.Conv2d))[0]
        assign(conv.weight, weights[0].permute(2, 1, 0) if kind == "Conv1D" else weights[0].permute(3, 2, 0, 1))
        if len(weights) > 1:
            assign(conv.bias, weights[1])
    elif kind in ("DepthwiseConv2D", "SeparableConv2D"):
        convs = inner(module, torch.nn.Conv2d)
        kh, kw, c, dm = weights[0].shape
        assign(convs[0].weight, weights[0].reshape(kh, kw, c * dm).permute(2, 0, 1).unsqueeze(1))
        rest = weights[1:]
        if kind == "SeparableConv2D":
            assign(convs[1].weight, rest[0].permute(3, 2, 0, 1))
            rest = rest[1:]
        if rest:
            assign(convs[-1].bias, rest[0])
    elif kind == "Conv2DTranspose":
        conv = inner(module, torch.nn.ConvTranspose2d)[0]
        assign(conv.weight, weights[0].permute(3, 2, 0, 1))
        if len(weights) > 1:
            assign(conv.bias, weights[1])
    elif kind in ("BatchNormalization", "LayerNormalization"):
        norm = inner(module, (torch.nn.modules.batchnorm._BatchNorm, torch.nn.LayerNorm))[0]
        targets = [norm.weight, norm.bias] + ([norm.running_mean, norm.running_var] if kind == "BatchNormalization" else [])
        for target, value in zip(targets, weights):
            assign(target, value.reshape(target.shape))
    elif kind == "Embedding":
        assign(module.weight, weights[0])
    elif kind in ("SimpleRNN", "LSTM", "GRU"):
        load_recurrent(module, weights)
    elif kind == "Bidirectional":
        half = len(weights) // 2
        load_recurrent(module.forward_layer, weights[:half])
        load_recurrent(module.backward_layer, weights[half:])
    elif kind in ("MultiHeadAttention", "PositionEmbedding", "TokenAndPositionEmbedding"):
        # Kept in Keras's shapes and in TF.js's order.
        targets = list(module.parameters())
        if len(targets) != len(weights):
            raise ValueError(f"{kind}: {len(targets)} parameters for {len(weights)} weights")
        for target, value in zip(targets, weights):
            assign(target, value)
    elif weights:
        raise ValueError(f"no loader for {kind}")


def load_recurrent(module, weights):
    assign(module.kernel, weights[0])
    assign(module.recurrent_kernel, weights[1])
    if len(weights) > 2:
        assign(module.bias, weights[2])


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
