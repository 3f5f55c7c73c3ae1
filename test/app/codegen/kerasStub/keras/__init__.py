# A stand-in for Keras that records what a generated script asks of it and does no learning. It lets
# the tests execute a generated script's data pipeline (pandas, numpy, the seeded split, scaling,
# tokenizing) on a machine where TensorFlow cannot be installed. It proves nothing about Keras itself.
import json
import os
import types

calls = []


class _Tensor:
    def __init__(self, name):
        self.name = name


class _Layer:
    def __init__(self, kind, **kwargs):
        self.kind = kind
        self.kwargs = kwargs
        calls.append({"layer": kind, "name": kwargs.get("name")})

    def __call__(self, *inputs, **kwargs):
        return _Tensor(self.kwargs.get("name"))


class _BaseLayer(_Layer):
    """keras.layers.Layer, for the layer classes a script defines itself."""

    def __init__(self, *args, **kwargs):
        super().__init__(type(self).__name__, **kwargs)


class _LayersModule(types.ModuleType):
    Layer = _BaseLayer

    def __getattr__(self, kind):
        return lambda *args, **kwargs: _Layer(kind, **kwargs)


layers = _LayersModule("keras.layers")


def Input(shape, name=None, dtype=None):
    calls.append({"layer": "Input", "name": name, "shape": list(shape)})
    return _Tensor(name)


class Model:
    def __init__(self, inputs, outputs):
        self.inputs, self.outputs = inputs, outputs

    def summary(self):
        pass

    def compile(self, **kwargs):
        calls.append({"compile": {k: v for k, v in kwargs.items() if k != "optimizer"}})

    def fit(self, x, y, **kwargs):
        calls.append({"fit": {"x": list(x.shape), "y": list(y.shape), "validation": kwargs.get("validation_data") is not None}})

    def evaluate(self, x, y, **kwargs):
        return {"loss": 0.0}

    def save(self, path):
        with open(path, "w", encoding="utf-8") as file:
            json.dump(calls, file)


class _Anything(types.ModuleType):
    def __getattr__(self, name):
        return lambda *args, **kwargs: None


class _Saving(types.ModuleType):
    @staticmethod
    def register_keras_serializable(**kwargs):
        return lambda cls: cls


saving = _Saving("keras.saving")
optimizers = _Anything("keras.optimizers")
callbacks = _Anything("keras.callbacks")
utils = _Anything("keras.utils")
