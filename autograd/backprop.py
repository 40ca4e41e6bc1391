"""Backpropagation, once for both engines: the chain rule in reverse topological order.

A node of either engine (:class:`~autograd.value.Value` or
:class:`~autograd.tensor.Tensor`) has ``inputs``, a ``grad`` and two small
methods that hide what differs between a float and an array:

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

import itertools
import operator


def backpropagate(root, seed, create_graph: bool = False) -> None:
    """Set ``grad`` on every node that ``root`` depends on, given ∂f/∂root = ``seed``.

    With ``create_graph=True`` the rules run on graph nodes instead of numbers,
    so each gradient is itself a graph that can be differentiated again.
    """
    order = topological_order(root, leaves=False)  # a leaf has no rule to run: it only receives
    for node in order:
        if node.inputs:  # an intermediate forgets the last pass; a leaf accumulates, as in PyTorch
            node.grad = None
    root._add_grad(seed, root)
    for node in reversed(order):  # every node after all the nodes that use it
        if node.inputs and node.grad is not None:
            contributions = node._local_gradients(node.grad, create_graph)
            for x, contribution in zip(node.inputs, contributions):
                x._add_grad(contribution, node)  # +=: a node used twice sums both paths


def topological_order(root, leaves: bool = True) -> list:
    """Every node ``root`` depends on, each listed after all of its inputs.

    With ``leaves=False`` only ``root`` and the nodes that have inputs: what a
    backward pass visits (a leaf is only ever added to).

    Every node has a sequence number from its creation (``_seq``), and a node is
    always made after its inputs, so sorting the nodes ``root`` reaches by that
    number is a topological order: no recursion, and no depth-first bookkeeping.

    >>> from autograd.value import Value
    >>> a = Value(1.0); b = a + 2; c = b * a
    >>> [n.op for n in topological_order(c)]
    ['input', 'const', 'add', 'mul']
    """
    reached, stack = {root}, [root]  # nodes hash by identity
    while stack:
        for x in stack.pop().inputs:
            if (leaves or x.inputs) and x not in reached:
                reached.add(x)
                stack.append(x)
    return sorted(reached, key=_creation)


_creation = operator.attrgetter("_seq")

next_seq = itertools.count().__next__
"""The next creation number: both engines number every node they make with it."""
