//! Values of the User's restricted picklists. Salesforce refuses anything else with
//! `INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST`, so a client that sends `UTC` or `en-US` fails here
//! as it would in a real org. The lists are a common subset of Salesforce's, not all of it.

/// `User.TimeZoneSidKey`: Salesforce's time zone ids (IANA names; `GMT`, not `UTC`).
pub const TIME_ZONES: &[&str] = &[
    "GMT",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Lisbon",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Amsterdam",
    "Europe/Brussels",
    "Europe/Madrid",
    "Europe/Rome",
    "Europe/Stockholm",
    "Europe/Zurich",
    "Europe/Vienna",
    "Europe/Warsaw",
    "Europe/Prague",
    "Europe/Helsinki",
    "Europe/Athens",
    "Europe/Istanbul",
    "Europe/Moscow",
    "Africa/Cairo",
    "Africa/Johannesburg",
    "Africa/Lagos",
    "Africa/Nairobi",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Hong_Kong",
    "Asia/Shanghai",
    "Asia/Tokyo",
    "Asia/Seoul",
    "Australia/Perth",
    "Australia/Sydney",
    "Pacific/Auckland",
    "Pacific/Honolulu",
    "America/Anchorage",
    "America/Los_Angeles",
    "America/Vancouver",
    "America/Phoenix",
    "America/Denver",
    "America/Chicago",
    "America/Mexico_City",
    "America/New_York",
    "America/Toronto",
    "America/Halifax",
    "America/Bogota",
    "America/Sao_Paulo",
    "America/Argentina/Buenos_Aires",
];

/// `User.LocaleSidKey`: formatting locales, with underscores.
pub const LOCALES: &[&str] = &[
    "en_US", "en_GB", "en_AU", "en_CA", "en_IE", "en_IN", "en_NZ", "en_ZA", "de_DE", "de_AT",
    "de_CH", "fr_FR", "fr_BE", "fr_CA", "fr_CH", "es_ES", "es_MX", "it_IT", "nl_NL", "nl_BE",
    "pt_BR", "pt_PT", "sv_SE", "da_DK", "fi_FI", "nb_NO", "pl_PL", "cs_CZ", "ja_JP", "zh_CN",
    "ko_KR",
];

/// `User.LanguageLocaleKey`: the languages Salesforce's UI is translated into.
pub const LANGUAGES: &[&str] = &[
    "en_US", "en_GB", "de", "fr", "es", "es_MX", "it", "nl_NL", "pt_BR", "sv", "da", "fi", "no",
    "pl", "cs", "ja", "zh_CN", "ko",
];

/// `User.EmailEncodingKey`.
pub const EMAIL_ENCODINGS: &[&str] = &[
    "UTF-8",
    "ISO-8859-1",
    "Shift_JIS",
    "ISO-2022-JP",
    "EUC-JP",
    "ks_c_5601-1987",
    "Big5",
    "GB2312",
    "Big5-HKSCS",
    "x-SJIS_0213",
];

/// `UserType` on User and Profile: which kind of licence the user holds.
pub const USER_TYPES: &[&str] = &[
    "Standard",
    "PowerPartner",
    "PowerCustomerSuccess",
    "CspLitePortal",
    "CustomerSuccess",
    "Guest",
];

/// `UserRole.PortalType`.
pub const PORTAL_TYPES: &[&str] = &["None", "CustomerPortal", "Partner"];

/// `UserRole.PortalRole`: the level inside an Account's portal role hierarchy, or the shared
/// person-account role of "minimize the number of roles".
pub const PORTAL_ROLES: &[&str] = &["Executive", "Manager", "Worker", "PersonAccount"];
