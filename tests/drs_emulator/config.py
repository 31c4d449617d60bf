"""Fixed defaults (tests and the demo rely on them) and the limits the service documents or implies."""

REGION = "cn-north-4"
PROJECT_ID = "9f0c7d1e2b3a4c5d6e7f8091a2b3c4d5"
DOMAIN_NAME = "demo-domain"
DOMAIN_ID = "0d1e2f3a4b5c4d6e8f9a0b1c2d3e4f50"
USER_NAME = "demo-user"
USER_ID = "1a2b3c4d5e6f4a7b8c9d0e1f2a3b4c5d"
PASSWORD = "demo-password-1"
ACCESS_KEY = "EMULATORACCESSKEY001"
SECRET_KEY = "emulator-secret-key-000000000000000000000000"
TEMPORARY_ACCESS_KEY = "EMULATORTEMPORARYAK01"
TEMPORARY_SECRET_KEY = "emulator-temporary-secret-key-00000000000000"
DEFAULT_PAGE_CAP = 1000
# No default limit is documented; sibling DRS v5 list calls answer 10 records when limit is omitted.
DEFAULT_LIMIT = 10
TOKEN_TTL_SECONDS = 24 * 3600
DEFAULT_RANDOM_SEED = 20240130
AGENCY_NAME = "drs_admin_agency"
AGENCY_DOMAIN_NAME = "agency-owner-domain"
# What the metadata service's keys live by default (the real ones: about a day, fetched again well before).
METADATA_KEY_TTL_SECONDS = 6 * 3600
