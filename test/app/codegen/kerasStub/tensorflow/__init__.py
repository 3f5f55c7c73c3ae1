# A stand-in for TensorFlow with just what a generated Keras script's tf.distribute variants touch: a
# strategy whose scope() is a no-op and whose cluster resolver says "no TF_CONFIG" (a single worker, the
# chief). It lets the tests run those scripts' data pipeline; it proves nothing about TensorFlow itself.
import contextlib
import types


class _Resolver:
    task_type = None
    task_id = None


class _Strategy:
    def __init__(self, *args, **kwargs):
        self.cluster_resolver = _Resolver()

    def scope(self):
        return contextlib.nullcontext()


distribute = types.SimpleNamespace(MirroredStrategy=_Strategy, MultiWorkerMirroredStrategy=_Strategy)
