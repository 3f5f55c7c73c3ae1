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
    # Layer classes the script defines itself (keras_hub-style layers) are called by their bare name; the
    # calls inside those definitions are not layers of the model.
    defined = {node.name for node in tree.body if isinstance(node, ast.ClassDef)}
    inside = set()
    for node in tree.body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
            inside.update(id(inner) for inner in ast.walk(node))
    calls = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or id(node) in inside:
            continue
        if isinstance(node.func, ast.Name) and node.func.id in defined:
            callee = node.func.id
        elif isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name) and (
            node.func.value.id == "layers" or (node.func.value.id == "keras" and node.func.attr == "Input")
        ):
            callee = f"{node.func.value.id}.{node.func.attr}"
        else:
            continue
        calls.append({
            "callee": callee,
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
