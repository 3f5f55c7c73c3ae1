# Reads a generated Keras script with Python's own parser (nothing is executed) and prints, as JSON,
# every Keras layer call with its constant keyword arguments, every import, and whether each call sits
# inside a `with <strategy>.scope():` block. Used by the code generation tests.
import ast
import json
import sys


def constant(node):
    try:
        return ast.literal_eval(node)
    except ValueError:
        return None


def main(path):
    with open(path, encoding="utf-8") as file:
        tree = ast.parse(file.read(), filename=path)
    scoped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.With) and any(
            isinstance(item.context_expr, ast.Call)
            and isinstance(item.context_expr.func, ast.Attribute)
            and item.context_expr.func.attr == "scope"
            for item in node.items
        ):
            for inner in ast.walk(node):
                scoped.add(id(inner))
    calls = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        owner = node.func.value
        if not isinstance(owner, ast.Name):
            continue
        if owner.id == "layers" or (owner.id == "keras" and node.func.attr == "Input"):
            calls.append({
                "callee": f"{owner.id}.{node.func.attr}",
                "keywords": {k.arg: constant(k.value) for k in node.keywords if k.arg},
                "nameIsConstant": any(k.arg == "name" and isinstance(k.value, ast.Constant) and isinstance(k.value.value, str) for k in node.keywords),
                "inScope": id(node) in scoped,
            })
    imports = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imports += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            imports += [f"{node.module}.{alias.name}" for alias in node.names]
    print(json.dumps({"calls": calls, "imports": imports}))


if __name__ == "__main__":
    main(sys.argv[1])
