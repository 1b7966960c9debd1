"""planlib: where did each provision of a peace plan come from, and who said it first?"""

from ._version import __version__ as __version__
from .compare import Change, Comparison, FigureChange, compare
from .errors import (
    GoldFormatError,
    PlanFormatError,
    PlanlibError,
    RegistryFormatError,
    SourceError,
    SourceFormatError,
)
from .matching import DEFAULT_MIN_SCORE, DEFAULT_TOP, Matcher, Vocabulary, match
from .model import Concept, Evidence, Plan, Provision, Source, Statement
from .people import Registry, load_people
from .places import Gazetteer, load_gazetteer
from .plans import bundled_plans, load_plan
from .results import ProvisionRow, ProvisionTable, Tally
from .scale import dask_executor, merge, partition
from .sources import (
    JsonlChunk,
    Outlets,
    PlanlibWarning,
    SourcePart,
    SpeakerIndex,
    TextFile,
    iter_sources,
    load_outlets,
    read_sources,
    read_text,
    speaker_index,
    stream_sources,
)
from .versions import BestVersion, MultiTable, match_plans

__all__ = [
    "DEFAULT_MIN_SCORE",
    "DEFAULT_TOP",
    "BestVersion",
    "Change",
    "Comparison",
    "Concept",
    "Evidence",
    "FigureChange",
    "Gazetteer",
    "GoldFormatError",
    "JsonlChunk",
    "Matcher",
    "MultiTable",
    "Outlets",
    "Plan",
    "PlanFormatError",
    "PlanlibError",
    "PlanlibWarning",
    "Provision",
    "ProvisionRow",
    "ProvisionTable",
    "Registry",
    "RegistryFormatError",
    "Source",
    "SourceError",
    "SourceFormatError",
    "SourcePart",
    "SpeakerIndex",
    "Statement",
    "Tally",
    "TextFile",
    "Vocabulary",
    "bundled_plans",
    "compare",
    "dask_executor",
    "iter_sources",
    "load_gazetteer",
    "load_outlets",
    "load_people",
    "load_plan",
    "match",
    "match_plans",
    "merge",
    "partition",
    "read_sources",
    "read_text",
    "speaker_index",
    "stream_sources",
]
