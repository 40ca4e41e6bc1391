"""Backpropagation, once for both engines: the chain rule in reverse topological order.

A node of either engine (:class:`~autograd.value.Value` or
:class:`~autograd.tensor.Tensor`) has ``inputs``, a ``grad`` and three small
methods that hide what differs between a float and an array:

* ``_forget_grad()``: an intermediate node drops the gradient of an earlier pass
  (a leaf keeps it: gradients of leaves accumulate, as in PyTorch);
* ``_local_gradients(upstream, create_graph)``: the op's rule from the registry,
  ∂f/∂input for each input, given ∂f/∂node;
* ``_add_grad(contribution, source)``: add one contribution into ``grad``,
  checked finite (``source`` is the node it came from, for the error message).

>>> from autograd.value import Value
>>> x = Value(3.0)
>>> y = x * x + x
>>> backpropagate(y, 1.0)
>>> x.grad  # 2x + 1
7.0
"""

from __future__ import annotations


def backpropagate(root, seed, create_graph: bool = False) -> None:
    """Set ``grad`` on every node that ``root`` depends on, given ∂f/∂root = ``seed``.

    With ``create_graph=True`` the rules run on graph nodes instead of numbers,
    so each gradient is itself a graph that can be differentiated again.
    """
    order = topological_order(root)
    for node in order:
        node._forget_grad()
    root._add_grad(seed, root)
    for node in reversed(order):  # every node after all the nodes that use it
        if node.inputs and node.grad is not None:
            contributions = node._local_gradients(node.grad, create_graph)
            for x, contribution in zip(node.inputs, contributions):
                x._add_grad(contribution, node)  # +=: a node used twice sums both paths


def topological_order(root) -> list:
    """Every node ``root`` depends on, each listed after all of its inputs.

    An iterative depth-first search, so graphs of any depth work without
    touching Python's recursion limit.

    >>> from autograd.value import Value
    >>> a = Value(1.0); b = a + 2; c = b * a
    >>> [n.op for n in topological_order(c)]
    ['input', 'const', 'add', 'mul']
    """
    order = []
    visited = {root}  # nodes hash by identity
    # Each stack entry holds a node and an iterator over its inputs, which
    # remembers how far the search has got through them.
    stack = [(root, iter(root.inputs))]
    while stack:
        node, inputs = stack[-1]
        for child in inputs:
            if child not in visited:
                visited.add(child)
                stack.append((child, iter(child.inputs)))
                break
        else:  # every input is done, so the node is too
            stack.pop()
            order.append(node)
    return order
