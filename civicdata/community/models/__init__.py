"""Community models, one module per aggregate; each is re-exported here so Django finds them."""

from civicdata.community.models.discussions import (  # noqa: F401
    Discussion,
    DiscussionFlag,
    DiscussionFollow,
    DiscussionPost,
    DiscussionStatus,
    FlagOutcome,
)
from civicdata.community.models.quality import (  # noqa: F401
    OPEN_REPORT_STATUSES,
    QualityReport,
    QualityReportChange,
    QualityReportFollow,
    ReportCategory,
    ReportStatus,
)

from .challenges import (  # noqa: F401
    PHASE_ORDER,
    Challenge,
    ChallengeEntry,
    ChallengeJudge,
    ChallengePhase,
    ChallengeVote,
    Criterion,
    EntryLicence,
    ImplementationStatus,
    JudgeConflict,
    JudgeScore,
)
from .news import Announcement, AnnouncementState  # noqa: F401
from .reuses import Reuse, ReuseImage, ReuseKind  # noqa: F401
from .stories import ModerationState, Story  # noqa: F401
from .usage import ApiCallDay, ApiKind  # noqa: F401
