# Runs Debian's ONNX checker (python3-onnx) with full shape inference on each file given; prints one JSON
# line per file: {"file": ..., "ok": true, "opset": N, "ir": N} or {"file": ..., "ok": false, "error": ...}.
import json
import sys

import onnx

for path in sys.argv[1:]:
    try:
        model = onnx.load(path)
        onnx.checker.check_model(model, full_check=True)
        print(json.dumps({"file": path, "ok": True, "ir": model.ir_version, "opset": model.opset_import[0].version}))
    except Exception as err:  # noqa: BLE001 - the message is the result
        print(json.dumps({"file": path, "ok": False, "error": str(err).splitlines()[0] if str(err) else type(err).__name__}))
