# -*- coding: utf-8 -*-
# Copyright: (c) 2026, hwcloud.drs contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment(object):

    DOCUMENTATION = r"""
options:
  region:
    description:
      - Huawei Cloud region, for example V(cn-north-4).
      - Must be shaped like a Huawei Cloud region id, lower-case letters and digits joined by hyphens
        (V(ap-southeast-1), V(eu-west-101)).
      - Builds the default O(endpoint) and O(iam_endpoint), names the IAM project when O(project_id) is unset,
        and scopes the token of O(iam_user_name) logins.
      - Falls back to the environment variable E(HW_REGION_NAME).
      - Required unless both O(endpoint) and O(project_id) are set (and O(iam_endpoint) for password logins).
    type: str
  project_id:
    description:
      - Project id of the tenant in O(region).
      - When unset it comes from the token scope of an O(iam_user_name) login, or is looked up at IAM by the
        region name (access keys and O(auth_token)). Zero or several projects with that name is an error.
      - Falls back to E(HUAWEICLOUD_SDK_PROJECT_ID), then E(HW_PROJECT_ID).
      - Must be one URL path segment (no C(/), not C(.) or C(..)).
    type: str
  endpoint:
    description:
      - Base URL of the DRS service.
      - Defaults to C(https://drs.{region}.myhuaweicloud.com), C(https://drs.eu-west-101.myhuaweicloud.eu) for
        V(eu-west-101).
    type: str
  iam_endpoint:
    description:
      - Base URL of IAM, used for password logins and project lookups.
      - Defaults to C(https://iam.{region}.myhuaweicloud.com) (C(.eu) for V(eu-west-101)).
      - Falls back to E(HUAWEICLOUD_SDK_IAM_ENDPOINT).
    type: str
  auth_token:
    description:
      - An IAM token, sent as C(X-Auth-Token). One of the three credential sets.
      - A token given here is not renewed; when it expires the task fails with a hint.
      - Falls back to E(HW_AUTH_TOKEN).
    type: str
  access_key:
    description:
      - Access key id (AK). With O(secret_key), one of the three credential sets; every request is signed
        afresh with C(SDK-HMAC-SHA256).
      - Falls back to E(HUAWEICLOUD_SDK_AK), then E(HW_ACCESS_KEY).
    type: str
  secret_key:
    description:
      - Secret access key (SK) for O(access_key).
      - Falls back to E(HUAWEICLOUD_SDK_SK), then E(HW_SECRET_KEY).
    type: str
  security_token:
    description:
      - Security token of temporary access keys, sent as C(X-Security-Token).
      - Falls back to E(HUAWEICLOUD_SDK_SECURITY_TOKEN), then E(HW_SECURITY_TOKEN).
    type: str
  iam_user_name:
    description:
      - IAM user name. With O(iam_password) and O(iam_domain_name), one of the three credential sets; the
        module gets a token from IAM once per run and renews it once if the service says it expired.
      - Falls back to E(HW_USER_NAME).
    type: str
  iam_password:
    description:
      - Password of O(iam_user_name).
      - Falls back to E(HW_USER_PASSWORD).
    type: str
  iam_domain_name:
    description:
      - Account (domain) name that O(iam_user_name) belongs to.
      - Falls back to E(HW_DOMAIN_NAME).
    type: str
  koocli_profile:
    description:
      - Use this profile of KooCLI (C(hcloud)) configuration, in mode C(AKSK) or C(SSO) (its C(ssoAuth.stsToken)).
      - Selects KooCLI as the credential source, like O(koocli_config_file); without either, the environment
        variables E(HW_PROFILE) or E(HW_SHARED_CONFIG_FILE) select it. Without a profile name, the file's
        C(current) profile is used.
      - KooCLI stores keys encrypted by default, which only KooCLI can read; such a profile is refused with the
        command that stores them in clear, C(hcloud configure set --cli-auth-encrypt=false).
      - A profile with C(agencyName) and C(agencyDomainName) assumes that agency (see O(assume_agency_name)).
      - Falls back to E(HW_PROFILE).
    type: str
    version_added: 1.3.0
  koocli_config_file:
    description:
      - The KooCLI configuration file to read O(koocli_profile) from.
      - Falls back to E(HW_SHARED_CONFIG_FILE), then C(~/.hcloud/config.json).
    type: path
    version_added: 1.3.0
  ecs_metadata:
    description:
      - Get temporary keys of the agency bound to the ECS or BMS this task runs on, from its metadata service, and
        fetch them again before they expire (also during a long wait).
      - Never a silent fallback. Only when V(true) here, or when E(HWCLOUD_DRS_ECS_METADATA) is V(true) and this
        option is unset. V(false) switches the environment variable off.
      - "The keys come from the host that runs the module (the controller with C(delegate_to: localhost)); a host
        that is not an ECS fails within seconds."
    type: bool
    version_added: 1.3.0
  ecs_metadata_url:
    description:
      - Address of the metadata service, for tests.
      - Falls back to E(HWCLOUD_DRS_ECS_METADATA_URL), then C(http://169.254.169.254).
    type: str
    version_added: 1.3.0
  assume_agency_name:
    description:
      - Assume this IAM agency with the credentials found (any source) and use its temporary keys for DRS,
        fetched again before they expire. IAM C(POST /v3.0/OS-CREDENTIAL/securitytokens), method C(assume_role).
      - Taken whole from the task options, else from E(HW_ASSUME_ROLE_AGENCY_NAME), E(HW_ASSUME_ROLE_DOMAIN_NAME)
        and E(HW_ASSUME_ROLE_DURATION), else from the KooCLI profile.
      - Needs O(iam_endpoint) or O(region). Without O(project_id) the agency's project is looked up by region.
    type: str
    version_added: 1.3.0
  assume_agency_domain_name:
    description:
      - The account (domain) name that owns O(assume_agency_name). Defaults to O(iam_domain_name) when set.
      - Falls back to E(HW_ASSUME_ROLE_DOMAIN_NAME).
    type: str
    version_added: 1.3.0
  assume_agency_duration:
    description:
      - Seconds the agency's keys live, between V(900) and V(86400); IAM's default (15 minutes) when unset.
      - Falls back to E(HW_ASSUME_ROLE_DURATION).
    type: int
    version_added: 1.3.0
  validate_certs:
    description:
      - Whether to verify the TLS certificates of O(endpoint) and O(iam_endpoint).
      - Turn off only against test servers; prefer O(ca_path).
    type: bool
    default: true
  allow_insecure_http:
    description:
      - Allow plain C(http://) for O(endpoint) and O(iam_endpoint). Without it such an endpoint is refused,
        since the password, tokens and signed requests would travel unencrypted.
      - Only for test servers such as the collection's emulator.
    type: bool
    default: false
  ca_path:
    description:
      - A PEM bundle of CA certificates to verify the servers with, instead of the system store.
      - When set, certificates are verified whatever O(validate_certs) says.
      - A file that cannot be read, or holds no C(-----BEGIN CERTIFICATE-----) block, is refused before any request.
    type: path
  timeout:
    description:
      - Seconds each HTTP request may take as a whole, from connecting to the last byte of the answer; a
        server that trickles its answer cannot stretch it. Waiting for jobs has its own timeout.
      - Between V(0.001) and V(3600). Retries (O(max_retries)) each get their own O(timeout).
      - An answer larger than 16 MiB once decompressed fails the task.
    type: float
    default: 30
  max_retries:
    description:
      - How many times one request is retried after HTTP 429, 500, 502, 503, 504 or a connection error,
        with jittered exponential backoff that honours C(Retry-After) (one pause never exceeds 60 seconds).
      - Other client errors are never retried. V(0) disables retries. At most V(100).
    type: int
    default: 5
notes:
  - "Exactly one credential set must be given: O(auth_token); or O(access_key) and O(secret_key) (plus
    O(security_token) for temporary keys); or O(iam_user_name), O(iam_password) and O(iam_domain_name); or a
    KooCLI profile (O(koocli_profile)); or O(ecs_metadata)."
  - Task options beat environment variables. A credential set is taken whole from one level, never mixed;
    two sets at the same level are an error naming both. Empty values count as unset.
  - "When neither gives a set, the official SDK's credentials file is read: E(HUAWEICLOUD_SDK_CREDENTIALS_FILE),
    else C(~/.huaweicloud/credentials), section C([basic]) with C(ak), C(sk), and optionally C(security_token),
    C(project_id) and C(iam_endpoint). A file that others may read gets a warning; a broken one fails naming the
    file and the key. When nothing is found, the message lists every source looked at."
  - The result's RV(credential_source) says which source was used, and how often temporary keys were renewed.
  - Redirects are never followed, so credentials cannot travel to another host.
  - Secrets given as options or environment variables, and tokens obtained at run time, are kept out of
    every output, also when a server echoes them escaped or in part. Surrounding whitespace of credential
    values is ignored; a control character inside one is refused without showing the value.
  - Messages longer than 4000 characters, and the service's C(error_msg) beyond 2000, are shortened and say so.
requirements:
  - requests >= 2.25
"""
