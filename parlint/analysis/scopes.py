"""parlint's own small name resolution on CPython's `ast`.

Just what this domain needs: scopes, imports and aliases (`import threading as th`,
`from concurrent.futures import ThreadPoolExecutor as Executor`, `ctx = mp.get_context()`),
and which names a scope binds in other ways (those are not trusted).
"""

from __future__ import annotations

import ast
import builtins
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Optional, Union

from parlint.analysis.stdlib import CONTEXT_FACTORIES, CONTEXT_NAMESPACE

ScopeNode = Union[ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef]
FunctionNode = Union[ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda]
SCOPE_TYPES = (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
LOOP_TYPES = (ast.For, ast.AsyncFor, ast.While, ast.ListComp, ast.SetComp, ast.DictComp,
              ast.GeneratorExp)  # fmt: skip
_BUILTINS = frozenset(dir(builtins))


def parent(node: ast.AST) -> Optional[ast.AST]:
    return getattr(node, "_parlint_parent", None)


def _outer_parts(node: ast.AST) -> list[ast.AST]:
    """The parts of a nested scope's node that run in the enclosing scope."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        outer: list[ast.AST] = [*node.decorator_list, *node.args.defaults]
        outer += [d for d in node.args.kw_defaults if d is not None]
        if node.returns is not None:
            outer.append(node.returns)
        return outer
    if isinstance(node, ast.ClassDef):
        return [*node.decorator_list, *node.bases, *node.keywords]
    if isinstance(node, ast.Lambda):
        outer = [*node.args.defaults]
        return outer + [d for d in node.args.kw_defaults if d is not None]
    return []


# The node types that bind names (everything else is skipped when building scopes).
_BINDING_TYPES = frozenset(
    {ast.Name, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda, ast.Import,
     ast.ImportFrom, ast.Global, ast.Nonlocal, ast.arg, ast.ExceptHandler, ast.MatchAs,
     ast.MatchStar, ast.MatchMapping}
)  # fmt: skip

# Fields that never hold a node worth visiting: names, flags, and the shared singleton
# context/operator objects (`ast.Load()` is one object for the whole tree).
_SKIPPED_FIELDS = frozenset(
    {"ctx", "op", "ops", "id", "attr", "name", "arg", "module", "asname", "names",
     "type_comment", "kind", "conversion", "level", "simple", "is_async", "type_ignores"}
)  # fmt: skip
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


def _child_fields(cls: type) -> tuple[str, ...]:
    fields = _CHILD_FIELDS.get(cls)
    if fields is None:
        fields = tuple(f for f in cls._fields if f not in _SKIPPED_FIELDS)  # type: ignore[attr-defined]
        if cls is ast.Constant:
            fields = ()
        _CHILD_FIELDS[cls] = fields
    return fields


def index_tree(tree: ast.Module) -> dict[int, list[ast.AST]]:
    """One pass over the tree: every node's parent, and each scope's own nodes.

    A scope's own nodes exclude the inside of nested scopes but include what of a nested
    function or class runs in it (decorators, defaults, bases). This is the only full walk
    of the tree: hand-rolled because `ast.iter_child_nodes` dominates the profile.
    """
    node_type = ast.AST
    scope_types = SCOPE_TYPES
    buckets: dict[int, list[ast.AST]] = {id(tree): []}
    stack: list[tuple[ast.AST, list[ast.AST]]] = []
    module_bucket = buckets[id(tree)]
    for child in reversed(tree.body):
        child._parlint_parent = tree  # type: ignore[attr-defined]
        stack.append((child, module_bucket))
    pop, push = stack.pop, stack.append
    while stack:
        node, bucket = pop()
        bucket.append(node)
        inner = bucket
        outer_ids: frozenset[int] = frozenset()
        if isinstance(node, scope_types):
            inner = buckets[id(node)] = []
            outer_ids = frozenset(id(n) for n in _outer_parts(node))
        fields = _CHILD_FIELDS.get(node.__class__) or _child_fields(node.__class__)
        for name in reversed(fields):
            value = getattr(node, name, None)
            if value is None:
                continue
            if value.__class__ is list:
                for item in reversed(value):
                    if isinstance(item, node_type):
                        item._parlint_parent = node  # type: ignore[attr-defined]
                        push((item, bucket if id(item) in outer_ids else inner))
            elif isinstance(value, node_type):
                value._parlint_parent = node  # type: ignore[attr-defined]
                push((value, bucket if id(value) in outer_ids else inner))
    return buckets


@dataclass(eq=False)
class Scope:
    node: ScopeNode
    parent: Optional[Scope]
    # The scope's own code (see `index_tree`), in source order.
    nodes: list[ast.AST] = field(default_factory=list)
    # name -> qualified name, from imports and simple aliases
    qualified: dict[str, str] = field(default_factory=dict)
    # every name bound in this scope, however
    bound: set[str] = field(default_factory=set)
    # names bound here by something other than an import or an alias we understood
    untrusted: set[str] = field(default_factory=set)
    # names assigned to (`x = ...`, `for x in`, ...) in this scope: a def of the same name
    # may have been replaced
    stores: set[str] = field(default_factory=set)
    global_names: set[str] = field(default_factory=set)
    nonlocal_names: set[str] = field(default_factory=set)
    # name -> ClassDef defined in this scope
    classes: dict[str, ast.ClassDef] = field(default_factory=dict)
    functions: dict[str, Union[ast.FunctionDef, ast.AsyncFunctionDef]] = field(default_factory=dict)
    children: list[Scope] = field(default_factory=list)

    @property
    def is_function(self) -> bool:
        return isinstance(self.node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))

    @property
    def is_module(self) -> bool:
        return isinstance(self.node, ast.Module)

    @property
    def display_name(self) -> str:
        if isinstance(self.node, ast.Module):
            return "the module"
        if isinstance(self.node, ast.Lambda):
            return "the lambda"
        return f"`{self.node.name}()`" if self.is_function else f"class `{self.node.name}`"

    def visible_chain(self) -> Iterator[Scope]:
        """This scope and the enclosing ones whose names it sees (class bodies are skipped)."""
        scope: Optional[Scope] = self
        first = True
        while scope is not None:
            if first or not isinstance(scope.node, ast.ClassDef):
                yield scope
            first = False
            scope = scope.parent


def body_nodes(node: ast.AST) -> Iterator[ast.AST]:
    """Every node of a scope's own code, not descending into nested scopes."""
    if isinstance(node, ast.Lambda):
        roots: list[ast.AST] = [node.body]
    elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        roots = list(node.body)
    else:
        roots = list(ast.iter_child_nodes(node))
    stack = list(reversed(roots))
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current, SCOPE_TYPES):
            # A nested scope's decorators, defaults and bases run in this scope.
            if isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef)):
                outer: list[ast.AST] = [*current.decorator_list, *current.args.defaults]
                outer += [d for d in current.args.kw_defaults if d is not None]
                if current.returns is not None:
                    outer.append(current.returns)
            elif isinstance(current, ast.ClassDef):
                outer = [*current.decorator_list, *current.bases, *current.keywords]
            elif isinstance(current, ast.Lambda):
                outer = [*current.args.defaults]
                outer += [d for d in current.args.kw_defaults if d is not None]
            else:
                outer = []
            stack.extend(reversed(outer))
            continue
        stack.extend(reversed(list(ast.iter_child_nodes(current))))


class NameResolver:
    """Builds the scope tree of a module and resolves expressions to qualified names."""

    def __init__(
        self, tree: ast.Module, module_name: str = "<module>", package: Optional[str] = None
    ) -> None:
        self.tree = tree
        self.module_name = module_name
        # The dotted package the module is in, when it is part of a project: relative imports
        # then resolve to absolute names (`from .jobs import crunch` -> `pkg.jobs.crunch`).
        self.package = package
        self.scopes: dict[int, Scope] = {}
        self.module_scope: Scope
        self._buckets = index_tree(tree)
        # Filled on demand: what each class does with `self`, and every attribute node of
        # the module by name (to see who else touches an attribute).
        self._self_names: dict[int, Optional[str]] = {}
        self._instances: dict[int, InstanceAttributes] = {}
        self._attribute_nodes: Optional[dict[str, dict[int, list[ast.Attribute]]]] = None
        self._attribute_qualnames: dict[tuple[int, str], Optional[str]] = {}
        self._class_lineages: Optional[list[set[int]]] = None
        self._class_relations: Optional[dict[int, set[int]]] = None
        self._classes: Optional[dict[str, ast.ClassDef]] = None
        self._built = False  # attributes of `self` are read once every scope exists
        self._build(tree, None)
        del self._buckets
        self._built = True

    # -- building -------------------------------------------------------------------------
    def _build(self, node: ScopeNode, parent_scope: Optional[Scope]) -> Scope:
        scope = Scope(node, parent_scope, self._buckets[id(node)])
        if parent_scope is None:
            self.module_scope = scope
        self.scopes[id(node)] = scope
        if parent_scope is not None:
            parent_scope.children.append(scope)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            args = node.args
            for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
                scope.bound.add(arg.arg)
                scope.untrusted.add(arg.arg)
            for arg_opt in (args.vararg, args.kwarg):
                if arg_opt is not None:
                    scope.bound.add(arg_opt.arg)
                    scope.untrusted.add(arg_opt.arg)
        aliases: list[tuple[str, ast.expr]] = []
        nested: list[ScopeNode] = []
        binding_types = _BINDING_TYPES
        load = ast.Load
        for sub in scope.nodes:
            cls = sub.__class__
            if cls not in binding_types or (cls is ast.Name and sub.ctx.__class__ is load):  # type: ignore[attr-defined]
                continue
            if isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                scope.bound.add(sub.name)
                if isinstance(sub, ast.ClassDef):
                    scope.classes[sub.name] = sub
                else:
                    scope.functions[sub.name] = sub
                scope.untrusted.add(sub.name)
                nested.append(sub)
            elif isinstance(sub, ast.Lambda):
                nested.append(sub)
            elif isinstance(sub, ast.Import):
                for alias in sub.names:
                    if alias.asname:
                        scope.qualified[alias.asname] = alias.name
                        scope.bound.add(alias.asname)
                    else:
                        top = alias.name.split(".")[0]
                        scope.qualified[top] = top
                        scope.bound.add(top)
            elif isinstance(sub, ast.ImportFrom):
                source = self._import_source(sub)
                for alias in sub.names:
                    if alias.name == "*":
                        continue
                    local = alias.asname or alias.name
                    scope.bound.add(local)
                    if source is None:
                        scope.untrusted.add(local)
                    else:
                        scope.qualified[local] = f"{source}.{alias.name}"
            elif isinstance(sub, ast.Global):
                scope.global_names.update(sub.names)
            elif isinstance(sub, ast.Nonlocal):
                scope.nonlocal_names.update(sub.names)
            elif isinstance(sub, ast.Name) and not isinstance(sub.ctx, ast.Load):
                scope.bound.add(sub.id)
                scope.stores.add(sub.id)
                assigned = simple_assignment_value(sub)
                if assigned is not None:
                    aliases.append((sub.id, assigned))
                else:
                    scope.untrusted.add(sub.id)
            elif isinstance(sub, ast.arg) or (isinstance(sub, ast.ExceptHandler) and sub.name):
                name = sub.arg if isinstance(sub, ast.arg) else sub.name
                if name:
                    scope.bound.add(name)
                    scope.untrusted.add(name)
            elif isinstance(sub, (ast.MatchAs, ast.MatchStar)) and sub.name:
                scope.bound.add(sub.name)
                scope.untrusted.add(sub.name)
            elif isinstance(sub, ast.MatchMapping) and sub.rest:
                scope.bound.add(sub.rest)
                scope.untrusted.add(sub.rest)
        # Aliases are resolved after imports; a name assigned more than once is not trusted.
        counts: dict[str, int] = {}
        for name, _ in aliases:
            counts[name] = counts.get(name, 0) + 1
        for name, value in aliases:
            if counts[name] > 1 or name in scope.qualified:
                scope.untrusted.add(name)
                continue
            target = self.resolve(value, scope)
            if target is None:
                scope.untrusted.add(name)
            else:
                scope.qualified[name] = target
        for sub_node in nested:
            self._build(sub_node, scope)
        return scope

    def _import_source(self, node: ast.ImportFrom) -> Optional[str]:
        """The absolute module a `from ... import` reads from, or None when not known."""
        if not node.level:
            return node.module
        if self.package is None:
            return None
        parts = self.package.split(".") if self.package else []
        if node.level - 1 > len(parts) or (node.level - 1 == len(parts) and not node.module):
            return None  # beyond the top of the project
        base = parts[: len(parts) - (node.level - 1)]
        if node.module:
            base.append(node.module)
        return ".".join(base) or None

    # -- queries --------------------------------------------------------------------------
    def scope_of_node(self, node: ScopeNode) -> Scope:
        return self.scopes[id(node)]

    def enclosing_scope(self, node: ast.AST) -> Scope:
        """The scope whose own code contains `node`."""
        current = parent(node)
        while current is not None:
            if isinstance(current, SCOPE_TYPES):
                scope = self.scopes[id(current)]
                return scope
            current = parent(current)
        return self.module_scope

    def lookup_scope(self, name: str, scope: Scope) -> Optional[Scope]:
        """The scope that binds `name` as seen from `scope`, or None (builtin/unknown)."""
        if name in scope.global_names:
            return self.module_scope if name in self.module_scope.bound else None
        # `visible_chain`, unrolled: this runs for every name the analysis resolves.
        candidate: Optional[Scope] = scope
        while candidate is not None:
            if (
                (candidate is scope or not isinstance(candidate.node, ast.ClassDef))
                and name in candidate.bound
                and name not in candidate.nonlocal_names
            ):
                return candidate
            candidate = candidate.parent
        return None

    def resolve(self, expr: ast.AST, scope: Scope) -> Optional[str]:
        """The qualified name `expr` refers to, e.g. `threading.Thread`, or None."""
        if isinstance(expr, ast.Name):
            owner = self.lookup_scope(expr.id, scope)
            if owner is None:
                if expr.id in _BUILTINS and expr.id not in self.module_scope.bound:
                    return f"builtins.{expr.id}"
                return None
            if expr.id in owner.classes and expr.id not in owner.qualified:
                return self.class_qualname(owner.classes[expr.id])
            if expr.id in owner.untrusted:
                return None
            return owner.qualified.get(expr.id)
        if isinstance(expr, ast.Attribute):
            base = self.resolve(expr.value, scope)
            if base is None and isinstance(expr.value, ast.Name):
                return self._instance_attribute_qualname(expr, scope)
            return f"{base}.{expr.attr}" if base else None
        if isinstance(expr, ast.Call):
            callee = self.resolve(expr.func, scope)
            if callee in CONTEXT_FACTORIES:
                return CONTEXT_NAMESPACE
        return None

    def class_qualname(self, node: ast.ClassDef) -> str:
        return f"{self.module_name}:{node.lineno}:{node.name}"

    # -- attributes of `self` -------------------------------------------------------------
    def self_name(self, scope: Scope) -> Optional[str]:
        """The name a method calls its instance (its first parameter), or None when `scope`
        is not a plain method of a class (a function, a staticmethod, a classmethod)."""
        key = id(scope)
        if key not in self._self_names:
            self._self_names[key] = _instance_parameter(scope)
        return self._self_names[key]

    def self_class(self, name: ast.Name, scope: Optional[Scope] = None) -> Optional[ast.ClassDef]:
        """The class whose instance `name` is, when it is the `self` of one of its methods
        (read in the method or in a function nested in it)."""
        owner = self.lookup_scope(name.id, scope or self.enclosing_scope(name))
        if owner is None or self.self_name(owner) != name.id:
            return None
        assert owner.parent is not None
        return owner.parent.node  # type: ignore[return-value]

    def instance_attributes(self, cls: ast.ClassDef) -> InstanceAttributes:
        """What the methods of `cls` do with the attributes of their `self`."""
        found = self._instances.get(id(cls))
        if found is None:
            found = self._instances[id(cls)] = self._collect_instance_attributes(cls)
        return found

    def attribute_values(self, expr: ast.Attribute) -> Optional[list[ast.expr]]:
        """The values assigned to `self.X` in its class, when `expr` is such an attribute and
        every assignment is known (see `InstanceAttributes.values`); else None."""
        if not isinstance(expr.value, ast.Name):
            return None
        cls = self.self_class(expr.value)
        return None if cls is None else self.instance_attributes(cls).values(expr.attr)

    def _collect_instance_attributes(self, cls: ast.ClassDef) -> InstanceAttributes:
        found = InstanceAttributes(cls)
        class_scope = self.scope_of_node(cls)
        own: set[int] = set()
        for method in class_scope.children:
            name = self.self_name(method)
            if name is None:
                continue
            stack = [method]
            while stack:
                current = stack.pop()
                stack.extend(current.children)
                if current is not method and self.lookup_scope(name, current) is not method:
                    continue
                for node in current.nodes:
                    if (
                        isinstance(node, ast.Attribute)
                        and isinstance(node.value, ast.Name)
                        and node.value.id == name
                    ):
                        table = found.loads if isinstance(node.ctx, ast.Load) else found.stores
                        table.setdefault(node.attr, []).append(node)
                        own.add(id(node))
        index = self._attribute_index()
        # Who else may touch the same attribute: code not going through a `self` (key 0),
        # and the methods of classes whose instances may be this class's (its bases, its
        # subclasses). Another class's own `self.X` is another object's attribute.
        others = {0} | self._related().get(id(cls), set())
        for attr in set(found.loads) | set(found.stores):
            by_owner = index.get(attr, {})
            for owner in others:
                for node in by_owner.get(owner, ()):
                    if id(node) in own:
                        continue
                    if isinstance(node.ctx, ast.Load):
                        found.foreign_loads.add(attr)
                    else:
                        found.foreign_stores.add(attr)
        for node in class_scope.nodes:
            if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
                if _declaration_only(node):
                    continue  # `_thread: Thread` announces the attribute, assigns nothing
                found.class_values.setdefault(node.id, []).append(simple_assignment_value(node))
        for name in class_scope.functions:
            found.class_values.setdefault(name, []).append(None)
        found.complete = self._complete_class(cls, set())
        return found

    def _complete_class(self, cls: ast.ClassDef, seen: set[int]) -> bool:
        if id(cls) in seen:
            return False
        seen.add(id(cls))
        if cls.keywords:
            return False  # a metaclass may add methods
        scope = self.enclosing_scope(cls)
        for base in cls.bases:
            qual = self.resolve(base, scope)
            if qual is None:
                return False
            in_file = self._class_named(qual)
            if in_file is not None:
                if not self._complete_class(in_file, seen):
                    return False
            elif qual.split(".", 1)[0] not in _STDLIB_MODULES:
                return False
        return True

    def _class_named(self, qualname: str) -> Optional[ast.ClassDef]:
        if self._classes is None:
            self._classes = {
                self.class_qualname(node): node
                for scope in self.scopes.values()
                for node in scope.classes.values()
            }
        return self._classes.get(qualname)

    def _related(self) -> dict[int, set[int]]:
        """For every class of the file, the classes whose instances may be its instances:
        those it derives from, those that derive from it, and their other bases."""
        if self._class_relations is None:
            related: dict[int, set[int]] = {}
            for lineage in self._lineages():
                for member in lineage:
                    related.setdefault(member, set()).update(lineage)
            self._class_relations = related
        return self._class_relations

    def _lineages(self) -> list[set[int]]:
        """For every class of the file, itself and the classes of the file it derives from."""
        if self._class_lineages is None:
            self._class_named("")  # fills the index of the file's classes
            assert self._classes is not None
            bases: dict[int, list[ast.ClassDef]] = {}
            for node in self._classes.values():
                scope = self.enclosing_scope(node)
                found = [self._class_named(self.resolve(b, scope) or "") for b in node.bases]
                bases[id(node)] = [b for b in found if b is not None]
            lineages = []
            for node in self._classes.values():
                lineage: set[int] = set()
                stack = [node]
                while stack:
                    current = stack.pop()
                    if id(current) not in lineage:
                        lineage.add(id(current))
                        stack.extend(bases.get(id(current), ()))
                lineages.append(lineage)
            self._class_lineages = lineages
        return self._class_lineages

    def _attribute_index(self) -> dict[str, dict[int, list[ast.Attribute]]]:
        """Every attribute node of the module, by name, then by the class whose `self` it
        goes through (0: not through a `self`)."""
        if self._attribute_nodes is None:
            index: dict[str, dict[int, list[ast.Attribute]]] = {}
            for scope in self.scopes.values():
                for node in scope.nodes:
                    if isinstance(node, ast.Attribute):
                        base = node.value
                        owner = self.self_class(base, scope) if isinstance(base, ast.Name) else None
                        by_owner = index.setdefault(node.attr, {})
                        by_owner.setdefault(id(owner) if owner else 0, []).append(node)
            self._attribute_nodes = index
        return self._attribute_nodes

    def _instance_attribute_qualname(self, expr: ast.Attribute, scope: Scope) -> Optional[str]:
        """`self.ctx` -> `multiprocessing` when every value the class gives `self.ctx`
        resolves to that one name (`self.ctx = mp.get_context("spawn")`)."""
        assert isinstance(expr.value, ast.Name)
        cls = self.self_class(expr.value, scope) if self._built else None
        if cls is None:
            return None
        key = (id(cls), expr.attr)
        if key in self._attribute_qualnames:
            return self._attribute_qualnames[key]
        self._attribute_qualnames[key] = None  # while resolving: `self.x = self.x.y` ends
        values = self.instance_attributes(cls).values(expr.attr)
        names = {self.resolve(v, self.enclosing_scope(v)) for v in values or ()}
        result = names.pop() if len(names) == 1 else None
        self._attribute_qualnames[key] = result
        return result


@dataclass(eq=False)
class InstanceAttributes:
    """What the methods of one class do with the attributes of their `self`.

    Only the class's own methods (and functions nested in them) count as reading or setting
    `self.X`; a subclass, another class or module code that touches an attribute of the same
    name makes it shared: parlint cannot tell which objects that code sees.
    """

    cls: ast.ClassDef
    # attribute -> the `self.X` nodes of the class's methods that read it / set or delete it
    loads: dict[str, list[ast.Attribute]] = field(default_factory=dict)
    stores: dict[str, list[ast.Attribute]] = field(default_factory=dict)
    # attributes of the same name read / set other than through this class's `self`
    foreign_loads: set[str] = field(default_factory=set)
    foreign_stores: set[str] = field(default_factory=set)
    # names the class body binds (`x = value` in the class; None: not a plain assignment)
    class_values: dict[str, list[Optional[ast.expr]]] = field(default_factory=dict)
    # Whether every method its instances have is visible: its bases are classes of this file
    # that are themselves complete, or of the standard library (which knows nothing of the
    # subclass's attributes). A base from elsewhere may have a `stop()` that ends them.
    complete: bool = True

    def values(self, name: str) -> Optional[list[ast.expr]]:
        """Every value the class gives `self.<name>`: its `self.<name> = value` assignments
        and a class attribute of that name. None when one of them is not of that plain form
        (augmented, unpacked, deleted, a method) or code outside the class sets it too."""
        if name in self.foreign_stores:
            return None
        values: list[ast.expr] = []
        for target in self.stores.get(name, ()):
            value = assigned_value(target)
            if value is None:
                if _declaration_only(target):
                    continue
                return None
            values.append(value)
        for class_value in self.class_values.get(name, ()):
            if class_value is None:
                return None
            values.append(class_value)
        return values


def _instance_parameter(scope: Scope) -> Optional[str]:
    node = scope.node
    owner = scope.parent
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or owner is None:
        return None
    if not isinstance(owner.node, ast.ClassDef) or node.name in _IMPLICIT_CLASS_METHODS:
        return None
    for decorator in node.decorator_list:
        if isinstance(decorator, ast.Name) and decorator.id in ("staticmethod", "classmethod"):
            return None
    params = [*node.args.posonlyargs, *node.args.args]
    if not params:
        return None
    name = params[0].arg
    if name in scope.stores or name in scope.global_names or name in scope.nonlocal_names:
        return None
    return name


_STDLIB_MODULES = frozenset(sys.stdlib_module_names) | {"builtins"}
_IMPLICIT_CLASS_METHODS = frozenset({"__new__", "__init_subclass__", "__class_getitem__"})


def assigned_value(target: ast.expr) -> Optional[ast.expr]:
    """The value of `target = value` (also `a = target = value`), else None."""
    owner = parent(target)
    if isinstance(owner, ast.Assign) and target in owner.targets:
        return owner.value
    if isinstance(owner, ast.AnnAssign) and owner.target is target and owner.value is not None:
        return owner.value
    return None


def _declaration_only(target: ast.expr) -> bool:
    """`self.x: int` without a value: announces the attribute, assigns nothing."""
    owner = parent(target)
    return isinstance(owner, ast.AnnAssign) and owner.target is target and owner.value is None


def simple_assignment_value(name: ast.Name) -> Optional[ast.expr]:
    """The value of `name = value` (a lone target), else None."""
    owner = parent(name)
    if isinstance(owner, ast.Assign) and len(owner.targets) == 1 and owner.targets[0] is name:
        return owner.value
    if isinstance(owner, ast.AnnAssign) and owner.target is name and owner.value is not None:
        return owner.value
    return None


def dotted(expr: ast.AST) -> Optional[str]:
    """`a.b.c` as text for display; None for anything else."""
    if isinstance(expr, ast.Name):
        return expr.id
    if isinstance(expr, ast.Attribute):
        base = dotted(expr.value)
        return f"{base}.{expr.attr}" if base else None
    return None


def shape_key(expr: ast.AST) -> str:
    """A key equal for two expressions written the same way: the dotted text of a name or
    attribute chain (most tasks), else the `ast.dump` (slow: 10-20 us a node)."""
    return dotted(expr) or ast.dump(expr)


def enclosing(node: ast.AST, types: tuple[type, ...], stop: ast.AST) -> Optional[ast.AST]:
    """The nearest ancestor of `node` of one of `types`, below `stop`."""
    current = parent(node)
    while current is not None and current is not stop:
        if isinstance(current, types):
            return current
        current = parent(current)
    return None


def enclosing_statement(node: ast.AST) -> Optional[ast.stmt]:
    current: Optional[ast.AST] = node
    while current is not None and not isinstance(current, ast.stmt):
        current = parent(current)
    return current


def containing_block(stmt: ast.stmt) -> Optional[tuple[list[ast.stmt], int]]:
    """The statement list that holds `stmt`, and its index there."""
    owner = parent(stmt)
    if owner is None:
        return None
    for name in ("body", "orelse", "finalbody"):
        block = getattr(owner, name, None)
        if isinstance(block, list):
            for index, item in enumerate(block):
                if item is stmt:
                    return block, index
    return None


def statement_after(stmt: ast.stmt) -> Optional[ast.AST]:
    """What runs right after `stmt` finishes normally: its next sibling, or what follows the
    compound statement that holds it (a `try`'s `else` or `finally` first); None when the
    function or module ends there. Where the answer is not one statement (the end of a loop
    body, which goes back to the loop; an `except` handler), the loop or handler is returned."""
    current: ast.AST = stmt
    while True:
        owner = parent(current)
        if owner is None or isinstance(owner, (ast.FunctionDef, ast.AsyncFunctionDef)):
            where = containing_block(current) if isinstance(current, ast.stmt) else None
            if where is not None and where[1] + 1 < len(where[0]):
                return where[0][where[1] + 1]
            return None
        if isinstance(owner, (ast.For, ast.AsyncFor, ast.While, ast.ExceptHandler)):
            where = containing_block(current) if isinstance(current, ast.stmt) else None
            if where is not None and where[1] + 1 < len(where[0]):
                return where[0][where[1] + 1]
            return owner
        where = containing_block(current) if isinstance(current, ast.stmt) else None
        if where is None:
            return owner
        block, index = where
        if index + 1 < len(block):
            return block[index + 1]
        if isinstance(owner, ast.Try) and block is owner.body and owner.orelse:
            return owner.orelse[0]
        if isinstance(owner, ast.Try) and block is not owner.finalbody and owner.finalbody:
            return owner.finalbody[0]
        current = owner


def assigned_names(nodes: list[ast.stmt]) -> set[str]:
    """Names stored anywhere in these statements (nested scopes excluded)."""
    found: set[str] = set()
    for stmt in nodes:
        for node in [stmt, *body_nodes(stmt)]:
            if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
                found.add(node.id)
    return found


def scope_identifiers(scope: Scope) -> set[str]:
    """`all_identifiers` of a scope's node, from the nodes already indexed (no new walk)."""
    found: set[str] = set()
    stack = [scope]
    while stack:
        current = stack.pop()
        stack.extend(current.children)
        found.update(filter(None, map(_identifier, current.nodes)))
    return found


def all_identifiers(tree: ast.AST) -> set[str]:
    """Every name used or bound anywhere in the module: a fresh name must avoid them."""
    return set(filter(None, map(_identifier, ast.walk(tree))))


def _identifier(node: ast.AST) -> Optional[str]:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.arg):
        return node.arg
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return node.name
    if isinstance(node, ast.alias):
        return (node.asname or node.name).split(".")[0]
    return None


def fresh_name(base: str, taken: set[str]) -> str:
    if base not in taken:
        return base
    index = 2
    while f"{base}_{index}" in taken:
        index += 1
    return f"{base}_{index}"
