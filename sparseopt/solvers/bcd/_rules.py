"""The options of block coordinate descent as tables: each entry carries its own properties.

A selection rule is looked up by name, and the kernels receive its code together with its
properties (greedy or not, random or not): a rule appended here is greedy only if its entry
says so. The codes are plain ints that the kernels compare with the ``SEL_*`` constants.
"""

from dataclasses import dataclass

SEL_CYCLIC, SEL_RANDOM, SEL_LIPSCHITZ, SEL_GS, SEL_GSL, SEL_GSD, SEL_GSQ = range(7)
UPD_GRADIENT, UPD_MATRIX, UPD_NEWTON, UPD_TMP = range(4)


@dataclass(frozen=True)
class SelectionRule:
    """One selection rule.

    Attributes
    ----------
    name : str
    code : int
        The kernels' code.
    greedy : bool
        Needs the gradient on every candidate at each update (Gauss-Southwell family).
    random : bool
        Draws from the random stream (``random_state``).
    forest : bool
        Also available with forest blocks (the graph solver).
    summary : str
    """

    name: str
    code: int
    greedy: bool
    random: bool
    forest: bool
    summary: str


SELECTION_RULES = {rule.name: rule for rule in (
    SelectionRule("cyclic", SEL_CYCLIC, False, False, True,
                  "blocks in turn (variable blocks: a fresh random permutation per epoch)"),
    SelectionRule("random", SEL_RANDOM, False, True, True, "uniformly at random"),
    SelectionRule("lipschitz", SEL_LIPSCHITZ, False, True, False,
                  "at random with probability proportional to L_b"),
    SelectionRule("gs", SEL_GS, True, False, True, "largest gradient (GS-s with a penalty)"),
    SelectionRule("gsl", SEL_GSL, True, False, True,
                  "largest ||g_b||^2 / (2 L_b) (GS-q with a penalty)"),
    SelectionRule("gsd", SEL_GSD, True, False, False,
                  "largest sum_b g_j^2 / (2 d_j), d_j diagonal bounds (GS-q with a penalty)"),
    SelectionRule("gsq", SEL_GSQ, True, False, False,
                  "largest g_b^T H_b^-1 g_b / 2, the matrix step's decrease"),
)}

SELECTIONS = tuple(SELECTION_RULES)
PARTITIONS = ("fixed", "order", "sorted", "avg", "variable", "tree", "color")
UPDATES = ("gradient", "matrix", "newton", "two_metric", "message_passing")
UPDATE_CODES = {"gradient": UPD_GRADIENT, "matrix": UPD_MATRIX, "newton": UPD_NEWTON,
                "two_metric": UPD_TMP}  # message_passing: the forest solver
