"""The feed's newest-first way (store_feed.NEWEST_TEMPLATE, for viewers with many friends) against
the pure rules: test_moments_feed.py's walks again, with the way taken from the first friend on
(`moments_feed_newest_from=0`), so its pages and its fall-back to the per-author way are both
compared with what `visibility.may_see` says."""

from __future__ import annotations

import pytest

from tests import configured
from tests.test_moments_feed import test_feed_and_pages_follow_the_rules

pytestmark = pytest.mark.rate_limits_off
clock = configured.clock
settings = configured.settings(moments_feed_newest_from=0)

__all__ = ["test_feed_and_pages_follow_the_rules"]
