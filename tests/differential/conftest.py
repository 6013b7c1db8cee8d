"""Real-Zaqar fixtures for the differential tests ."""

from tests.support.fixtures import (  # noqa: F401
    real_zaqar_v1_1,
    real_zaqar_v1_1_pooling,
    real_zaqar_v2,
    real_zaqar_v2_no_virtual_pool,
    real_zaqar_v2_pooling,
    real_zaqar_ws,
)
