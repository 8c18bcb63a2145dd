//! Duplicate scoring: how likely a new person is one already on the roster. Pure; no IO.
//!
//! Outreach workers often know a person only by a nickname, a street alias, an estimated
//! year of birth or a physical description. Before a new person record is created, the
//! existing roster is scored against what the worker entered and the likeliest matches
//! are offered, so that one person does not end up with two records.
//!
//! The score combines three signals:
//!
//! * Names and aliases are the main signal. Every name or alias of one candidate is
//!   compared with every name or alias of the other and the best pair wins. Whole-string
//!   Jaro-Winkler similarity catches typos and spacing differences, and token-level
//!   matching catches "same given name or a nickname of it, same surname".
//! * Descriptions are a weak signal when both sides have names, but they carry the
//!   match when one side has no name at all.
//! * Dates of birth only adjust a score that names or descriptions produced: an equal
//!   date raises it, a year far apart lowers it, and an absent date changes nothing.

use std::collections::BTreeSet;

/// What is known of a person for matching. Borrowed so the store can score 10,000
/// rows without copying.
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'a> {
    pub name: Option<&'a str>,
    pub aliases: &'a [String],
    /// "YYYY-MM-DD" or "YYYY" (year only), as stored.
    pub dob: Option<&'a str>,
    pub description: Option<&'a str>,
}

/// Scores at or above this are offered to the worker as possible duplicates.
pub const OFFER_THRESHOLD: f64 = 0.6;

// Name weights.
//
// Jaro-Winkler similarity is generous: two unrelated short strings often score 0.5 to
// 0.8, and names sharing a first few letters score close to 0.9 ("robert johnson"
// against "roberta jackson" scores 0.886). Raw similarities are therefore rescaled so
// that only values above `JW_FLOOR` count, and the remaining range maps linearly onto
// 0..=1. With a floor of 0.85, a one-letter typo in a full name ("jon smith" against
// "john smith", 0.973) still scores about 0.8, while "roberta jackson" drops to 0.24.

/// Jaro-Winkler similarity at or below which strings are treated as unrelated.
const JW_FLOOR: f64 = 0.85;

/// Surname similarity at which two surnames count as the same (a typo at most).
const SURNAME_SAME: f64 = 0.9;

/// A pair of names whose given names are equal or nickname-equivalent and whose
/// surnames are the same scores at least this much. This is the strongest name
/// evidence short of an identical string, so it sits well above the offer threshold.
const STRONG_NAME_FLOOR: f64 = 0.9;

/// A full name whose middle name is the other name's given name ("Mary Ann Smith"
/// against "Ann Smith"). People often go by a middle name, but this is weaker evidence
/// than an equal given name, so it starts lower while still being offered.
const MIDDLE_NAME_FLOOR: f64 = 0.8;

/// An initial against a given name with the same surname ("J. Martinez" against "Jose
/// Martinez"). Offered, because the worker should see it, but many people share an
/// initial and a surname, so it stays well below full matches.
const INITIAL_FLOOR: f64 = 0.65;

/// When full names agree only in part, each of the given name and the surname
/// contributes at most this much. An equal given name with a different surname, or an
/// equal surname with a different given name, scores 0.35 and is not offered on its
/// own, because sharing "Maria" or "Garcia" is common. Only a near-identical given
/// name with the same surname (a typo) approaches 0.7.
const PARTIAL_PART_WEIGHT: f64 = 0.35;

/// A single-token name against a single-token name, e.g. two street aliases. A single
/// word identifies a person less well than a full name, so even an identical alias
/// scores at most this much; it is still offered, because a shared alias is often all
/// a worker has to go on.
const SINGLE_TOKEN_CAP: f64 = 0.85;

/// A single-token name against a token inside a full name ("Maria" against "Maria
/// Garcia"). Offering every "Maria" on the roster would bury the worker, so on its own
/// this stays below the offer threshold; an equal date of birth lifts it over.
const CONTAINED_TOKEN_CAP: f64 = 0.55;

// Description weights.
//
// Descriptions are compared as sets of words (Jaccard index). Two people who are both
// "tall with a beard" have identical word sets, so the index alone would call them the
// same person. The evidence is therefore also scaled by how many distinct words the
// two descriptions share: full weight needs `DESC_FULL_EVIDENCE` shared words. The
// square root of the Jaccard index is used because a description written later often
// adds details such as clothing, which lowers the index without making the match less
// likely.

/// Shared description words needed for the description to count fully.
const DESC_FULL_EVIDENCE: f64 = 4.0;

/// With no name on one side, the description is the only evidence and scores at most
/// this much, so a detailed, closely matching description is offered (for example
/// "red hoodie, tattoo of a rose on left hand, limps" against "limps, rose tattoo left
/// hand" scores about 0.68), while "tall with a beard" against the same (about 0.4) is
/// not.
const DESC_ONLY_WEIGHT: f64 = 0.8;

/// With names on both sides, the description closes at most this share of the gap
/// between the name score and 1.0. Names are the stronger signal, and two different
/// people can look alike, so a perfect description over unrelated names (name score
/// near zero) adds at most 0.3 and is not offered.
const DESC_WITH_NAMES_WEIGHT: f64 = 0.3;

// Date-of-birth weights. A date of birth never creates a match on its own; it only
// adjusts what names or descriptions produced, because many people share a birthday.

/// Equal full dates close this share of the gap to 1.0. A name score of 0.55 (a lone
/// given name) becomes about 0.69 and is offered; a description-only score rises too.
const DOB_EXACT_BOOST: f64 = 0.3;

/// The same year (one or both dates year-only, or day and month swapped) closes this
/// share of the gap. Year-only dates are often estimates, so this is mild.
const DOB_SAME_YEAR_BOOST: f64 = 0.1;

/// Years more than one apart multiply the score by this factor. Estimated ages are
/// often off by a year, so a one-year difference is neutral, but a larger gap is strong
/// evidence of two people: two identical names fall from 1.0 to 0.5, below the offer
/// threshold. Multiplying keeps the score at or above zero.
const DOB_FAR_FACTOR: f64 = 0.5;

/// Groups of given names that refer to the same person: a formal name and its common
/// English or Spanish nicknames. Entries are normalized (lowercase, no diacritics). A
/// name may appear in several groups ("alex" is short for Alexander, Alexandra and
/// Alejandro); two names are equivalent if any group contains both.
#[rustfmt::skip]
const NICKNAME_GROUPS: &[&[&str]] = &[
    // English given names.
    &["robert", "rob", "robbie", "robby", "bob", "bobby", "bert"],
    &["william", "will", "bill", "billy", "willie", "willy", "liam"],
    &["elizabeth", "liz", "lizzie", "beth", "betty", "betsy", "eliza", "libby", "bess"],
    &["margaret", "maggie", "peggy", "meg", "marge", "margie", "madge"],
    &["james", "jim", "jimmy", "jamie", "jimbo"],
    &["richard", "rick", "ricky", "dick", "rich", "richie"],
    &["katherine", "catherine", "kathryn", "kate", "katie", "kathy", "cathy", "kat", "kitty"],
    &["michael", "mike", "mikey", "mick", "mickey"],
    &["anthony", "tony", "ant"],
    &["joseph", "joe", "joey"],
    &["charles", "charlie", "chuck", "chas", "chaz"],
    &["thomas", "tom", "tommy"],
    &["christopher", "chris", "topher", "kit"],
    &["daniel", "dan", "danny", "dani"],
    &["david", "dave", "davey"],
    &["john", "johnny", "jack"],
    &["jonathan", "jon", "jonny", "johnny"],
    &["edward", "ed", "eddie", "eddy", "ted", "teddy", "ned"],
    &["theodore", "ted", "teddy", "theo"],
    &["benjamin", "ben", "benny", "benji"],
    &["samuel", "sam", "sammy"],
    &["samantha", "sam", "sammie", "sammy"],
    &["alexander", "alex", "al", "alec", "xander", "sandy"],
    &["alexandra", "alex", "alexa", "lexi", "sandy"],
    &["andrew", "andy", "drew"],
    &["nicholas", "nick", "nicky", "nico"],
    &["matthew", "matt", "matty"],
    &["patrick", "pat", "paddy"],
    &["patricia", "pat", "patty", "patsy", "tricia", "trish", "paty"],
    &["jennifer", "jen", "jenn", "jenny"],
    &["jessica", "jess", "jessie"],
    &["rebecca", "becky", "becca"],
    &["susan", "sue", "susie", "suzy"],
    &["deborah", "debra", "deb", "debbie"],
    &["barbara", "barb", "barbie", "babs"],
    &["victoria", "vicky", "vicki", "tori"],
    &["stephen", "steven", "steve", "stevie"],
    &["gregory", "greg"],
    &["timothy", "tim", "timmy"],
    &["jeffrey", "geoffrey", "jeff"],
    &["kenneth", "ken", "kenny"],
    &["donald", "don", "donnie"],
    &["ronald", "ron", "ronnie"],
    &["lawrence", "laurence", "larry"],
    &["raymond", "ray"],
    &["gerald", "gerry", "jerry"],
    &["douglas", "doug"],
    &["frederick", "fred", "freddie", "freddy"],
    &["harold", "harry", "hal"],
    &["henry", "hank", "harry"],
    &["walter", "walt", "wally"],
    &["albert", "al", "bert", "bertie"],
    &["alfred", "al", "alfie", "fred"],
    &["leonard", "leo", "len", "lenny"],
    &["peter", "pete"],
    &["philip", "phillip", "phil"],
    &["dorothy", "dot", "dottie", "dolly"],
    &["mary", "molly", "polly", "mae"],
    &["ann", "anne", "anna", "annie", "nan", "nancy"],
    &["abigail", "abby", "gail"],
    &["cynthia", "cindy"],
    &["christina", "christine", "kristina", "chris", "tina", "chrissy"],
    &["sarah", "sara", "sally", "sadie"],
    &["kimberly", "kim"],
    &["amanda", "mandy"],
    &["pamela", "pam"],
    &["jacqueline", "jackie"],
    &["nathaniel", "nathan", "nate", "nat"],
    &["zachary", "zach", "zack"],
    &["joshua", "josh"],
    &["gabriel", "gabe", "gabo"],
    &["vincent", "vince", "vinny"],
    &["terrence", "terence", "terry"],
    &["eugene", "gene"],
    &["louis", "lou", "louie"],
    &["francis", "frank", "frankie", "fran"],
    &["frances", "fran", "frannie"],
    &["franklin", "frank", "frankie"],
    &["evelyn", "evie"],
    &["virginia", "ginny", "ginger"],
    &["judith", "judy"],
    &["teresa", "theresa", "terry", "tess", "tessa", "tere"],
    &["jeremiah", "jeremy"],
    // Spanish given names.
    &["jose", "pepe", "chepe", "pepito", "joselito"],
    &["francisco", "paco", "pancho", "frank", "cisco", "kiko", "curro"],
    &["guadalupe", "lupe", "lupita"],
    &["jesus", "chuy", "chucho"],
    &["ignacio", "nacho"],
    &["alejandro", "alex", "alejo", "jando"],
    &["enrique", "kike", "quique"],
    &["dolores", "lola", "lolita"],
    &["concepcion", "concha", "conchita", "chona"],
    &["rosario", "chayo", "charo"],
    &["eduardo", "lalo", "edu", "eddie"],
    &["gonzalo", "chalo"],
    &["manuel", "manny", "manolo", "manu"],
    &["antonio", "tono", "tonio", "tony", "toni"],
    &["roberto", "beto", "robe"],
    &["alberto", "beto"],
    &["humberto", "beto"],
    &["gilberto", "beto", "gil"],
    &["guillermo", "memo", "guille", "willy"],
    &["rodrigo", "rigo", "rodri"],
    &["ricardo", "rico", "ricky", "richi"],
    &["fernando", "nando", "fer"],
    &["luis", "lucho", "wicho", "luisito"],
    &["santiago", "santi", "chago"],
    &["salvador", "chava", "chavo", "salva"],
    &["josefina", "pepa", "fina", "chepina"],
    &["refugio", "cuca", "cuco"],
    &["socorro", "coco"],
    &["graciela", "chela"],
    &["consuelo", "chelo"],
    &["mercedes", "meche", "merche"],
    &["gregorio", "goyo"],
    &["federico", "fede", "kiko"],
    &["anastasio", "tacho"],
    &["asuncion", "chon", "chona"],
    &["juan", "juanito", "juancho"],
    &["carlos", "carlitos", "charly"],
    &["margarita", "rita", "margo"],
    &["ana", "anita"],
    &["isabel", "isabella", "isa", "bella", "chabela"],
    &["cristina", "cris", "tina"],
    &["natalia", "naty", "nati"],
    &["javier", "javi"],
    &["leticia", "lety", "leti"],
    &["alfredo", "fredo"],
    &["armando", "mando"],
    &["rafael", "raphael", "rafa", "rafi"],
    &["vicente", "chente"],
    &["maria", "mari", "maruca"],
];

/// Common English and Spanish words that say nothing about who a person is. Words
/// shorter than three letters are dropped anyway, so they are not listed.
#[rustfmt::skip]
const DESCRIPTION_STOP_WORDS: &[&str] = &[
    // English.
    "the", "and", "with", "has", "have", "his", "her", "hers", "him", "she", "they",
    "them", "their", "wears", "wearing", "wore", "very", "from", "that", "this", "for",
    "who", "was", "are", "about", "around", "near", "usually", "always", "often",
    "sometimes", "also", "some", "one", "looks", "like", "seen", "but", "not", "any",
    // Spanish.
    "con", "del", "los", "las", "una", "uno", "unos", "unas", "por", "para", "que",
    "muy", "sus", "lleva", "tiene", "usa", "como", "pero", "esta", "siempre", "ella",
    "sin", "cerca",
];

/// Lowercases `s`, maps accented Latin letters to their plain form (á→a, ñ→n, ü→u,
/// ß→ss and so on), removes apostrophes ("O'Brien" becomes "obrien"), turns every
/// other run of punctuation or whitespace into one space and trims the ends.
pub fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    // Start as if a space had just been written, so leading separators vanish.
    let mut pending_space = false;
    for upper in s.chars() {
        for c in upper.to_lowercase() {
            if is_apostrophe(c) || is_combining_mark(c) {
                // Apostrophes join name parts; combining accents belong to the
                // previous letter and are dropped with the other diacritics.
                continue;
            }
            if c.is_alphanumeric() {
                if pending_space && !out.is_empty() {
                    out.push(' ');
                }
                pending_space = false;
                match fold_diacritic(c) {
                    Some(plain) => out.push_str(plain),
                    None => out.push(c),
                }
            } else {
                pending_space = true;
            }
        }
    }
    out
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '\u{02bc}' | '`' | '\u{00b4}')
}

fn is_combining_mark(c: char) -> bool {
    ('\u{0300}'..='\u{036f}').contains(&c)
}

/// The plain form of a lowercase accented Latin letter, or `None` if `c` has no
/// mapping and is kept as it is.
fn fold_diacritic(c: char) -> Option<&'static str> {
    let plain = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'ĉ' | 'č' => "c",
        'ď' | 'đ' | 'ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => "e",
        'ĝ' | 'ğ' => "g",
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' => "i",
        'ł' => "l",
        'ñ' | 'ń' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => "o",
        'œ' => "oe",
        'ř' => "r",
        'ß' => "ss",
        'ś' | 'ş' | 'š' => "s",
        'ť' | 'ţ' => "t",
        'þ' => "th",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'ų' => "u",
        'ý' | 'ÿ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        _ => return None,
    };
    Some(plain)
}

/// Jaro-Winkler similarity with the arguments in a fixed order. The underlying
/// algorithm matches letters greedily from the first argument, so swapping the
/// arguments can change the result slightly; always passing the smaller string first
/// keeps every score symmetric.
fn jw(a: &str, b: &str) -> f64 {
    if a == b {
        // Identical strings, including two empty ones, are fully similar.
        1.0
    } else if a < b {
        strsim::jaro_winkler(a, b)
    } else {
        strsim::jaro_winkler(b, a)
    }
}

/// Rescales a Jaro-Winkler similarity so that `JW_FLOOR` and below become 0.0 and 1.0
/// stays 1.0.
fn rescale(sim: f64) -> f64 {
    ((sim - JW_FLOOR) / (1.0 - JW_FLOOR)).clamp(0.0, 1.0)
}

/// One name or alias, normalized and split into words.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct NameTokens {
    tokens: Vec<String>,
    /// The words joined with spaces.
    spaced: String,
    /// The words joined with nothing, so "De La Cruz" meets "Delacruz".
    joined: String,
    /// The nickname groups the first word belongs to, looked up once per name rather
    /// than once per comparison.
    first_groups: GroupSet,
}

impl NameTokens {
    fn new(raw: &str) -> Option<Self> {
        let spaced = normalize(raw);
        if spaced.is_empty() {
            return None;
        }
        let tokens: Vec<String> = spaced.split(' ').map(str::to_owned).collect();
        let joined = tokens.concat();
        let first_groups = GroupSet::of(tokens.first().map_or("", String::as_str));
        Some(Self { tokens, spaced, joined, first_groups })
    }

    fn first(&self) -> &str {
        self.tokens.first().map_or("", String::as_str)
    }

    fn last(&self) -> &str {
        self.tokens.last().map_or("", String::as_str)
    }

    /// Every word but the given name: the candidates for a surname.
    fn after_first(&self) -> &[String] {
        self.tokens.get(1..).unwrap_or(&[])
    }

    /// Words between the given name and the last word.
    fn middle(&self) -> &[String] {
        let len = self.tokens.len();
        if len < 3 { &[] } else { self.tokens.get(1..len - 1).unwrap_or(&[]) }
    }
}

/// A parsed date of birth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Dob {
    year: u16,
    /// Month and day, when the full date is known.
    month_day: Option<(u8, u8)>,
}

impl Dob {
    /// Parses "YYYY-MM-DD" or "YYYY". Anything else is treated as unknown rather than
    /// as an error, because a malformed stored value should not block matching.
    fn parse(raw: &str) -> Option<Self> {
        let s = raw.trim();
        let year = parse_digits(s.get(0..4)?)?;
        if s.len() == 4 {
            return Some(Self { year, month_day: None });
        }
        if s.len() != 10 || s.get(4..5)? != "-" || s.get(7..8)? != "-" {
            return None;
        }
        let month = u8::try_from(parse_digits(s.get(5..7)?)?).ok()?;
        let day = u8::try_from(parse_digits(s.get(8..10)?)?).ok()?;
        if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
            return None;
        }
        Some(Self { year, month_day: Some((month, day)) })
    }
}

fn parse_digits(s: &str) -> Option<u16> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// How two dates of birth relate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DobRelation {
    /// Either side is unknown, or the evidence points neither way.
    Neutral,
    /// The same full date.
    Exact,
    /// The same year, with at least one side year-only, or day and month swapped.
    SameYear,
    /// Years more than one apart.
    Far,
}

fn dob_relation(a: Option<Dob>, b: Option<Dob>) -> DobRelation {
    let (Some(a), Some(b)) = (a, b) else {
        return DobRelation::Neutral;
    };
    if a.year.abs_diff(b.year) > 1 {
        return DobRelation::Far;
    }
    if a.year != b.year {
        // One year apart: estimated ages are often off by one, so this is neutral.
        return DobRelation::Neutral;
    }
    match (a.month_day, b.month_day) {
        (Some(x), Some(y)) if x == y => DobRelation::Exact,
        // Day and month swapped is a common data entry slip.
        (Some((m1, d1)), Some((m2, d2))) if m1 == d2 && d1 == m2 => DobRelation::SameYear,
        // Two different full dates in the same year: likely a typo or two people,
        // so neither raise nor lower the score.
        (Some(_), Some(_)) => DobRelation::Neutral,
        _ => DobRelation::SameYear,
    }
}

/// A candidate normalized once, so one side of many comparisons is not redone.
#[derive(Debug)]
struct Prepared {
    names: Vec<NameTokens>,
    dob: Option<Dob>,
    description: BTreeSet<String>,
}

impl Prepared {
    fn new(c: &Candidate<'_>) -> Self {
        let mut names: Vec<NameTokens> =
            c.name.into_iter().chain(c.aliases.iter().map(String::as_str)).filter_map(NameTokens::new).collect();
        names.sort();
        names.dedup();
        Self {
            names,
            dob: c.dob.and_then(Dob::parse),
            description: c.description.map(description_words).unwrap_or_default(),
        }
    }
}

/// The informative words of a description: normalized, at least three letters long,
/// not a stop word, with a plural "s" removed so "tattoos" meets "tattoo".
fn description_words(raw: &str) -> BTreeSet<String> {
    normalize(raw)
        .split(' ')
        .filter(|w| w.chars().count() >= 3 && !DESCRIPTION_STOP_WORDS.contains(w))
        .map(|w| match w.strip_suffix('s') {
            Some(stem) if w.chars().count() > 4 && !stem.ends_with('s') => stem.to_owned(),
            _ => w.to_owned(),
        })
        .collect()
}

/// Whether two normalized given names are the same person's by a nickname table.
const GROUP_WORDS: usize = 4;

// The nickname groups must fit in a `GroupSet`.
const _: () = assert!(NICKNAME_GROUPS.len() <= GROUP_WORDS * 64);

/// A set of indices into `NICKNAME_GROUPS`. Two given names are nickname-equivalent
/// when their sets intersect.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
struct GroupSet([u64; GROUP_WORDS]);

impl GroupSet {
    /// The groups containing the normalized given name `name`.
    fn of(name: &str) -> Self {
        let mut set = Self::default();
        for (i, group) in NICKNAME_GROUPS.iter().enumerate() {
            if group.contains(&name)
                && let Some(word) = set.0.get_mut(i / 64)
            {
                *word |= 1 << (i % 64);
            }
        }
        set
    }

    fn intersects(&self, other: &Self) -> bool {
        self.0.iter().zip(&other.0).any(|(a, b)| a & b != 0)
    }
}

/// How the given names of two full names relate, best first.
#[derive(Debug, Clone, Copy, PartialEq)]
enum GivenRelation {
    Exact,
    Nickname,
    /// The given name of one is a middle name of the other.
    Middle,
    /// One given name is an initial of the other.
    Initial,
    /// No rule applies; only the string similarity is known.
    Similar(f64),
}

fn given_relation(x: &NameTokens, y: &NameTokens) -> GivenRelation {
    let (fx, fy) = (x.first(), y.first());
    if fx == fy {
        return GivenRelation::Exact;
    }
    if x.first_groups.intersects(&y.first_groups) {
        return GivenRelation::Nickname;
    }
    if x.middle().iter().any(|m| m == fy) || y.middle().iter().any(|m| m == fx) {
        return GivenRelation::Middle;
    }
    let is_initial_of =
        |short: &str, long: &str| short.chars().count() == 1 && long.chars().count() > 1 && long.starts_with(short);
    if is_initial_of(fx, fy) || is_initial_of(fy, fx) {
        return GivenRelation::Initial;
    }
    GivenRelation::Similar(jw(fx, fy))
}

/// The best similarity between the last word of one name and any word after the given
/// name of the other. Comparing against all later words lets a name with two surnames
/// ("Maria Garcia Lopez") or a middle name ("Jose Luis Martinez") meet a shorter one.
fn surname_similarity(x: &NameTokens, y: &NameTokens) -> f64 {
    let best = |last: &str, others: &[String]| others.iter().map(|o| jw(last, o)).fold(0.0_f64, f64::max);
    best(x.last(), y.after_first()).max(best(y.last(), x.after_first()))
}

/// Similarity of two full names (two or more words each) by their parts.
fn token_score(x: &NameTokens, y: &NameTokens) -> f64 {
    let given = given_relation(x, y);
    let surname = surname_similarity(x, y);
    if surname >= SURNAME_SAME {
        // How close the surnames are within the "same" band, 0..=1.
        let surname_q = ((surname - SURNAME_SAME) / (1.0 - SURNAME_SAME)).clamp(0.0, 1.0);
        let strong = match given {
            GivenRelation::Exact => Some((STRONG_NAME_FLOOR, 1.0)),
            GivenRelation::Nickname => Some((STRONG_NAME_FLOOR, 0.8)),
            GivenRelation::Middle => Some((MIDDLE_NAME_FLOOR, 0.5)),
            GivenRelation::Initial => Some((INITIAL_FLOOR, 0.5)),
            GivenRelation::Similar(_) => None,
        };
        if let Some((floor, given_q)) = strong {
            return floor + 0.1 * given_q * surname_q;
        }
    }
    let given_part = match given {
        GivenRelation::Exact | GivenRelation::Nickname => 1.0,
        GivenRelation::Middle => 0.7,
        GivenRelation::Initial => 0.4,
        GivenRelation::Similar(sim) => rescale(sim),
    };
    PARTIAL_PART_WEIGHT * given_part + PARTIAL_PART_WEIGHT * rescale(surname)
}

/// Similarity of one name or alias to another, in 0..=1.
fn name_pair_score(x: &NameTokens, y: &NameTokens) -> f64 {
    match (x.tokens.len() >= 2, y.tokens.len() >= 2) {
        // Two full names: whole-string similarity for typos and spacing (with and
        // without spaces), parts for nicknames, initials, middle names and extra
        // surnames.
        (true, true) => {
            let whole = jw(&x.spaced, &y.spaced).max(jw(&x.joined, &y.joined));
            rescale(whole).max(token_score(x, y))
        }
        // Two single words, such as street aliases: string similarity only.
        (false, false) => SINGLE_TOKEN_CAP * rescale(jw(&x.spaced, &y.spaced)),
        // One word against a full name. The word may be the full name written without
        // spaces ("Delacruz"), or one of its words ("Maria" against "Maria Garcia").
        _ => {
            let (single, multi) = if x.tokens.len() < 2 { (x, y) } else { (y, x) };
            let contained = multi.tokens.iter().map(|t| rescale(jw(&single.spaced, t))).fold(0.0_f64, f64::max);
            let joined = rescale(jw(&single.joined, &multi.joined));
            (CONTAINED_TOKEN_CAP * contained).max(SINGLE_TOKEN_CAP * joined)
        }
    }
}

/// The best score over every name or alias of `a` against every one of `b`, or `None`
/// if either side has no name at all.
fn names_score(a: &Prepared, b: &Prepared) -> Option<f64> {
    if a.names.is_empty() || b.names.is_empty() {
        return None;
    }
    let best = a.names.iter().flat_map(|x| b.names.iter().map(move |y| name_pair_score(x, y))).fold(0.0_f64, f64::max);
    Some(best)
}

/// Description evidence in 0..=1, or `None` if either side has no usable description.
fn description_score(a: &Prepared, b: &Prepared) -> Option<f64> {
    if a.description.is_empty() || b.description.is_empty() {
        return None;
    }
    let shared = a.description.intersection(&b.description).count();
    let union = a.description.union(&b.description).count();
    if shared == 0 || union == 0 {
        return Some(0.0);
    }
    // Counts are tiny, so the conversions are exact.
    let shared = shared as f64;
    let jaccard = shared / union as f64;
    let evidence = (shared / DESC_FULL_EVIDENCE).min(1.0);
    Some(jaccard.sqrt() * evidence)
}

fn score_prepared(a: &Prepared, b: &Prepared) -> f64 {
    let base = match (names_score(a, b), description_score(a, b)) {
        (Some(names), Some(desc)) => names + (1.0 - names) * DESC_WITH_NAMES_WEIGHT * desc,
        (Some(names), None) => names,
        (None, Some(desc)) => DESC_ONLY_WEIGHT * desc,
        (None, None) => 0.0,
    };
    let adjusted = match dob_relation(a.dob, b.dob) {
        DobRelation::Exact => base + (1.0 - base) * DOB_EXACT_BOOST,
        DobRelation::SameYear => base + (1.0 - base) * DOB_SAME_YEAR_BOOST,
        DobRelation::Far => base * DOB_FAR_FACTOR,
        DobRelation::Neutral => base,
    };
    // A date alone (no names or descriptions to compare) is not evidence of a match.
    let result = if base > 0.0 { adjusted } else { 0.0 };
    if result.is_nan() { 0.0 } else { result.clamp(0.0, 1.0) }
}

/// Score in 0.0..=1.0 that `a` and `b` are the same person.
pub fn score(a: &Candidate<'_>, b: &Candidate<'_>) -> f64 {
    score_prepared(&Prepared::new(a), &Prepared::new(b))
}

/// The best matches of `new` among `existing` (id, score), score >= OFFER_THRESHOLD,
/// best first (ties by id order), at most `limit`.
pub fn best_matches<'a, I, Id>(new: &Candidate<'_>, existing: I, limit: usize) -> Vec<(Id, f64)>
where
    I: IntoIterator<Item = (Id, Candidate<'a>)>,
    Id: Ord + Clone,
{
    if limit == 0 {
        return Vec::new();
    }
    let new = Prepared::new(new);
    let mut found: Vec<(Id, f64)> = existing
        .into_iter()
        .filter_map(|(id, candidate)| {
            let s = score_prepared(&new, &Prepared::new(&candidate));
            (s >= OFFER_THRESHOLD).then_some((id, s))
        })
        .collect();
    found.sort_by(|(id_a, s_a), (id_b, s_b)| s_b.total_cmp(s_a).then_with(|| id_a.cmp(id_b)));
    found.truncate(limit);
    found
}

/// The name keys of a prepared person: two named persons are scored against each
/// other only if they share one: every name word's first two letters (so "Jon Smith"
/// meets "John Smyth", "Bobby Johnson" meets "Robert Johnson", "De La Cruz" meets
/// "Delacruz"). A pair of names that shares no word prefix at all scores too low on
/// names to be offered (checked against scoring every pair by a property test).
fn name_keys(p: &Prepared) -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    for name in &p.names {
        for token in name.tokens.iter().chain(std::iter::once(&name.joined)) {
            let prefix: String = token.chars().take(2).collect();
            if !prefix.is_empty() {
                keys.insert(prefix);
            }
        }
    }
    keys
}

/// Likely duplicate pairs over a whole roster: every pair scoring at least
/// `OFFER_THRESHOLD`, best first (ties by ids), each pair once with the smaller id
/// first, at most `limit`. Only pairs that share a name key (see `name_keys`), or,
/// where one side has no name at all, a description word (the description is then the
/// only evidence), are scored, so a 10,000-person roster does not cost 50 million
/// comparisons.
///
/// A pair that shares several keys is scored only in the first block they share (no
/// set of pairs already seen: keeping one cost more than the scoring it saved), and the
/// blocks are scored on every core (scoped threads, biggest blocks first); the answer
/// does not depend on how many.
pub fn likely_pairs<Id>(people: &[(Id, Candidate<'_>)], limit: usize) -> Vec<(Id, Id, f64)>
where
    Id: Ord + Clone,
{
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get).min(8);
    likely_pairs_on(people, limit, cores)
}

/// `likely_pairs` on at most `cores` threads (one when the roster is small).
fn likely_pairs_on<Id>(people: &[(Id, Candidate<'_>)], limit: usize, cores: usize) -> Vec<(Id, Id, f64)>
where
    Id: Ord + Clone,
{
    use std::collections::BTreeMap;
    use std::sync::atomic::{AtomicUsize, Ordering};

    let prepared: Vec<Prepared> = people.iter().map(|(_, c)| Prepared::new(c)).collect();
    let mut by_name: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut by_word: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, p) in prepared.iter().enumerate() {
        for key in name_keys(p) {
            by_name.entry(key).or_default().push(i);
        }
        for word in &p.description {
            by_word.entry(word.as_str()).or_default().push(i);
        }
    }
    // Blocks are numbered name keys first, then description words; each person's
    // blocks are listed in that (ascending) order.
    let names_end = by_name.len();
    let blocks: Vec<Vec<usize>> = by_name.into_values().chain(by_word.into_values()).collect();
    let mut member_of: Vec<Vec<usize>> = vec![Vec::new(); prepared.len()];
    for (b, members) in blocks.iter().enumerate() {
        for &i in members {
            member_of[i].push(b);
        }
    }
    let first_shared = |i: usize, j: usize| -> Option<usize> {
        let (mut a, mut b) = (member_of[i].iter().peekable(), member_of[j].iter().peekable());
        while let (Some(&&x), Some(&&y)) = (a.peek(), b.peek()) {
            match x.cmp(&y) {
                std::cmp::Ordering::Equal => return Some(x),
                std::cmp::Ordering::Less => {
                    a.next();
                }
                std::cmp::Ordering::Greater => {
                    b.next();
                }
            }
        }
        None
    };
    let score_block = |b: usize, out: &mut Vec<(usize, usize, f64)>| {
        let members = &blocks[b];
        for (n, &i) in members.iter().enumerate() {
            for &j in &members[n + 1..] {
                // A description word counts only where one side has no name.
                let by_description = b >= names_end;
                if by_description && !(prepared[i].names.is_empty() || prepared[j].names.is_empty()) {
                    continue;
                }
                if first_shared(i, j) != Some(b) {
                    continue;
                }
                let s = score_prepared(&prepared[i], &prepared[j]);
                if s >= OFFER_THRESHOLD {
                    out.push((i, j, s));
                }
            }
        }
    };

    // Biggest blocks first, handed out one at a time, so no core waits on another's.
    let mut order: Vec<usize> = (0..blocks.len()).collect();
    order.sort_by_key(|&b| std::cmp::Reverse(blocks[b].len()));
    let pairs: usize = blocks.iter().map(|m| m.len() * m.len().saturating_sub(1) / 2).sum();
    let threads = if pairs < 50_000 { 1 } else { cores.max(1) };
    let next = AtomicUsize::new(0);
    let work = || {
        let mut out = Vec::new();
        loop {
            let k = next.fetch_add(1, Ordering::Relaxed);
            let Some(&b) = order.get(k) else { break };
            score_block(b, &mut out);
        }
        out
    };
    let scored: Vec<(usize, usize, f64)> = if threads == 1 {
        work()
    } else {
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads).map(|_| scope.spawn(work)).collect();
            // A scoring thread cannot panic on data (scores are clamped, NaN is 0), so a
            // panic here is a bug worth surfacing, not hiding.
            handles.into_iter().flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))).collect()
        })
    };

    let mut found: Vec<(Id, Id, f64)> = scored
        .into_iter()
        .map(|(i, j, s)| {
            let (a, b) = (&people[i].0, &people[j].0);
            let (a, b) = if a <= b { (a.clone(), b.clone()) } else { (b.clone(), a.clone()) };
            (a, b, s)
        })
        .collect();
    found.sort_by(|x, y| y.2.total_cmp(&x.2).then_with(|| x.0.cmp(&y.0)).then_with(|| x.1.cmp(&y.1)));
    found.truncate(limit);
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn likely_pairs_over_a_roster_are_found_once_best_first() {
        let none: &[String] = &[];
        let bobby = vec!["Bobby Johnson".to_owned()];
        let people = vec![
            (1, Candidate { name: Some("Robert Johnson"), aliases: none, dob: Some("1980"), description: None }),
            (2, Candidate { name: None, aliases: &bobby, dob: Some("1980-04-02"), description: None }),
            (3, Candidate { name: Some("Maria Lopez"), aliases: none, dob: None, description: None }),
            (4, Candidate { name: Some("Jon Smith"), aliases: none, dob: None, description: None }),
            (5, Candidate { name: Some("John Smith"), aliases: none, dob: None, description: None }),
            (
                6,
                Candidate {
                    name: None,
                    aliases: none,
                    dob: None,
                    description: Some("tall man, red beard, crow tattoo on neck"),
                },
            ),
            (
                7,
                Candidate {
                    name: None,
                    aliases: none,
                    dob: None,
                    description: Some("red beard and a crow tattoo on his neck"),
                },
            ),
        ];
        let pairs = likely_pairs(&people, 100);
        let ids: Vec<(i32, i32)> = pairs.iter().map(|(a, b, _)| (*a, *b)).collect();
        assert!(ids.contains(&(1, 2)), "nickname alias: {pairs:?}");
        assert!(ids.contains(&(4, 5)), "typo: {pairs:?}");
        assert!(ids.contains(&(6, 7)), "descriptions only: {pairs:?}");
        assert!(!ids.iter().any(|(a, b)| *a == 3 || *b == 3), "no match for Maria: {pairs:?}");
        assert!(pairs.windows(2).all(|w| w[0].2 >= w[1].2), "best first");
        // The blocked search finds exactly what scoring every pair finds.
        let mut all = Vec::new();
        for (i, (a, ca)) in people.iter().enumerate() {
            for (b, cb) in &people[i + 1..] {
                let s = score(ca, cb);
                if s >= OFFER_THRESHOLD {
                    all.push((*a, *b));
                }
            }
        }
        let mut found = ids.clone();
        found.sort_unstable();
        all.sort_unstable();
        assert_eq!(found, all);
        assert_eq!(likely_pairs(&people, 1).len(), 1);
    }

    fn person<'a>(
        name: Option<&'a str>,
        aliases: &'a [String],
        dob: Option<&'a str>,
        description: Option<&'a str>,
    ) -> Candidate<'a> {
        Candidate { name, aliases, dob, description }
    }

    fn named(name: &str) -> Candidate<'_> {
        person(Some(name), &[], None, None)
    }

    fn assert_symmetric(a: &Candidate<'_>, b: &Candidate<'_>) -> f64 {
        let ab = score(a, b);
        let ba = score(b, a);
        assert!((ab - ba).abs() < 1e-9, "asymmetric: {ab} vs {ba}");
        ab
    }

    #[test]
    fn normalize_folds_case_accents_and_punctuation() {
        assert_eq!(normalize("  José   MARTÍNEZ-López "), "jose martinez lopez");
        assert_eq!(normalize("Ñoño, Güero!"), "nono guero");
        assert_eq!(normalize("O'Brien"), "obrien");
        assert_eq!(normalize("J. R."), "j r");
        assert_eq!(normalize("Jose\u{301}"), "jose");
        assert_eq!(normalize("Straße"), "strasse");
        assert_eq!(normalize("...--"), "");
    }

    #[test]
    fn nickname_alias_matches_legal_name() {
        let aliases = vec!["Bobby Johnson".to_owned()];
        let new = named("Robert Johnson");
        let existing = person(None, &aliases, None, None);
        let s = assert_symmetric(&new, &existing);
        assert!(s >= 0.9, "{s}");
    }

    #[test]
    fn accents_and_middle_names_are_tolerated() {
        let s = assert_symmetric(&named("Jose Luis Martinez"), &named("José Martínez"));
        assert!(s >= 0.8, "{s}");
    }

    #[test]
    fn spanish_nickname_is_offered() {
        let s = assert_symmetric(&named("Francisco Lopez"), &named("Paco Lopez"));
        assert!(s >= OFFER_THRESHOLD, "{s}");
        let s = assert_symmetric(&named("Jesús Ramírez"), &named("Chuy Ramirez"));
        assert!(s >= 0.9, "{s}");
    }

    #[test]
    fn distant_dob_lowers_same_name() {
        let far = assert_symmetric(
            &person(Some("Maria Garcia"), &[], Some("1980-01-02"), None),
            &person(Some("Maria Garcia"), &[], Some("1995"), None),
        );
        let same = assert_symmetric(
            &person(Some("Maria Garcia"), &[], Some("1980-01-02"), None),
            &person(Some("Maria Garcia"), &[], Some("1980-01-02"), None),
        );
        assert!(far < OFFER_THRESHOLD, "{far}");
        assert!(same - far > 0.3, "{same} vs {far}");
    }

    #[test]
    fn dob_relations() {
        let name_only = score(&named("Maria"), &named("Maria Garcia"));
        assert!(name_only < OFFER_THRESHOLD, "{name_only}");
        let exact = score(
            &person(Some("Maria"), &[], Some("1980-01-02"), None),
            &person(Some("Maria Garcia"), &[], Some("1980-01-02"), None),
        );
        assert!(exact >= OFFER_THRESHOLD, "{exact}");
        let same_year = score(
            &person(Some("Maria"), &[], Some("1980"), None),
            &person(Some("Maria Garcia"), &[], Some("1980-01-02"), None),
        );
        assert!(same_year > name_only && same_year < exact, "{same_year}");
        let off_by_one = score(
            &person(Some("Maria"), &[], Some("1981"), None),
            &person(Some("Maria Garcia"), &[], Some("1980-01-02"), None),
        );
        assert!((off_by_one - name_only).abs() < 1e-12, "{off_by_one}");
        let malformed = score(
            &person(Some("Maria"), &[], Some("around 1980"), None),
            &person(Some("Maria Garcia"), &[], Some("1950-01-02"), None),
        );
        assert!((malformed - name_only).abs() < 1e-12, "{malformed}");
    }

    #[test]
    fn dob_alone_is_not_a_match() {
        let a = person(None, &[], Some("1980-01-02"), None);
        assert!(score(&a, &a) < 1e-12);
    }

    #[test]
    fn similar_but_different_names_are_not_offered() {
        let s = assert_symmetric(&named("Robert Johnson"), &named("Roberta Jackson"));
        assert!(s < OFFER_THRESHOLD, "{s}");
        let s = assert_symmetric(&named("John Smith"), &named("Jane Smith"));
        assert!(s < OFFER_THRESHOLD, "{s}");
        let s = assert_symmetric(&named("Maria Garcia"), &named("Maria Lopez"));
        assert!(s < OFFER_THRESHOLD, "{s}");
        let s = assert_symmetric(&named("Mary Ann Smith"), &named("Mary Ann Jones"));
        assert!(s < OFFER_THRESHOLD, "{s}");
    }

    #[test]
    fn typos_spacing_initials_and_middle_names() {
        let s = assert_symmetric(&named("Jon Smith"), &named("John Smith"));
        assert!(s >= OFFER_THRESHOLD, "{s}");
        let s = assert_symmetric(&named("Juan De La Cruz"), &named("Juan Delacruz"));
        assert!(s >= 0.9, "{s}");
        let s = assert_symmetric(&named("J. Martinez"), &named("Jose Martinez"));
        assert!((OFFER_THRESHOLD..0.9).contains(&s), "{s}");
        let s = assert_symmetric(&named("Mary Ann Smith"), &named("Ann Smith"));
        assert!(s >= OFFER_THRESHOLD, "{s}");
        let s = assert_symmetric(&named("Maria Garcia Lopez"), &named("María García"));
        assert!(s >= 0.9, "{s}");
    }

    #[test]
    fn street_aliases_match_by_spelling_only() {
        let red = vec!["Red".to_owned()];
        let smokey = vec!["Smokey".to_owned()];
        let smoky = vec!["smoky".to_owned()];
        let s = assert_symmetric(&person(None, &red, None, None), &person(Some("Red"), &[], None, None));
        assert!(s >= OFFER_THRESHOLD, "{s}");
        let s = assert_symmetric(&person(None, &smokey, None, None), &person(None, &smoky, None, None));
        assert!(s >= OFFER_THRESHOLD, "{s}");
        let s = assert_symmetric(&person(None, &red, None, None), &person(None, &smokey, None, None));
        assert!(s < OFFER_THRESHOLD, "{s}");
        // Single words do not use the nickname table.
        let s = assert_symmetric(&named("Bob"), &named("Robert"));
        assert!(s < OFFER_THRESHOLD, "{s}");
    }

    #[test]
    fn name_only_meets_alias_only() {
        let aliases = vec!["Smokey".to_owned(), "Paco López".to_owned()];
        let s = assert_symmetric(&named("Francisco Lopez"), &person(None, &aliases, None, None));
        assert!(s >= 0.9, "{s}");
    }

    #[test]
    fn description_only_match_is_offered() {
        let known = person(Some("Smokey"), &[], None, Some("red hoodie, tattoo of a rose on left hand, limps"));
        let unnamed = person(None, &[], None, Some("limps, rose tattoo left hand"));
        let s = assert_symmetric(&known, &unnamed);
        assert!(s >= OFFER_THRESHOLD, "{s}");
        let spanish = person(None, &[], None, Some("cojea, tatuaje de una rosa en la mano izquierda"));
        let spanish2 = person(None, &[], None, Some("Tatuaje rosa mano izquierda; cojea"));
        let s = assert_symmetric(&spanish, &spanish2);
        assert!(s >= OFFER_THRESHOLD, "{s}");
    }

    #[test]
    fn different_or_generic_descriptions_are_not_offered() {
        let a = person(None, &[], None, Some("tall with a beard"));
        let b = person(Some("Marcus"), &[], None, Some("Tall, with a beard"));
        let s = assert_symmetric(&a, &b);
        assert!(s < OFFER_THRESHOLD, "{s}");
        let c = person(None, &[], None, Some("short woman, long grey hair, green backpack"));
        let s = assert_symmetric(&a, &c);
        assert!(s < 0.2, "{s}");
        let d = person(None, &[], None, Some("red hoodie, tattoo of a rose on left hand, limps"));
        let e = person(None, &[], None, Some("blue jacket, scar over right eye, uses a cane"));
        let s = assert_symmetric(&d, &e);
        assert!(s < 0.2, "{s}");
    }

    #[test]
    fn description_is_weak_next_to_names() {
        let desc = Some("red hoodie, tattoo of a rose on left hand, limps");
        let a = person(Some("John Smith"), &[], None, desc);
        let b = person(Some("Carlos Reyes"), &[], None, desc);
        let s = assert_symmetric(&a, &b);
        assert!(s < OFFER_THRESHOLD, "{s}");
        let c = person(Some("Johnny Smith"), &[], None, desc);
        let with_desc = assert_symmetric(&a, &c);
        let without = score(&named("John Smith"), &named("Johnny Smith"));
        assert!(with_desc > without, "{with_desc} vs {without}");
    }

    #[test]
    fn empty_inputs_score_zero() {
        let empty = person(None, &[], None, None);
        let blank_aliases = vec![String::new(), "  ".to_owned(), "!!".to_owned()];
        let blank = person(Some(""), &blank_aliases, Some(""), Some("  , "));
        assert!(score(&empty, &empty) < 1e-12);
        assert!(score(&blank, &blank) < 1e-12);
        assert!(score(&empty, &named("Robert Johnson")) < 1e-12);
    }

    #[test]
    fn best_matches_orders_filters_and_limits() {
        let bobby = vec!["Bobby Johnson".to_owned()];
        let roster = vec![
            (4_u32, named("Roberta Jackson")),
            (3, named("Robert Johnson")),
            (1, named("Robert Johnson")),
            (2, person(None, &bobby, None, None)),
            (5, named("Bob Johnstone")),
        ];
        let new = named("Robert Johnson");
        let all = best_matches(&new, roster.clone(), 10);
        let ids: Vec<u32> = all.iter().map(|(id, _)| *id).collect();
        // Identical names tie at 1.0 and come in id order; the nickname alias follows.
        assert_eq!(ids.get(..3), Some(&[1, 3, 2][..]), "{all:?}");
        assert!(!ids.contains(&4), "{all:?}");
        assert!(all.iter().all(|(_, s)| *s >= OFFER_THRESHOLD));
        assert!(all.windows(2).all(|w| w[0].1 >= w[1].1));
        let top = best_matches(&new, roster.clone(), 2);
        assert_eq!(top.iter().map(|(id, _)| *id).collect::<Vec<_>>(), vec![1, 3]);
        assert!(best_matches(&new, roster, 0).is_empty());
        let none = best_matches(&named("Zed"), Vec::<(u32, Candidate<'_>)>::new(), 5);
        assert!(none.is_empty());
    }

    fn arb_text() -> impl Strategy<Value = Option<String>> {
        prop::option::of(prop_oneof![
            "[a-zA-Z ]{0,20}",
            "(Robert|Bob|Bobby|José|Jose|Paco|Francisco|Maria|María|Red|Lupe) (Johnson|Lopez|López|Garcia|Smith)",
            "(red|blue|tall|beard|tattoo|rose|limps|left|hand|hoodie|con|una)( (red|blue|tall|beard|tattoo|rose|limps|left|hand|hoodie)){0,6}",
            ".{0,12}",
        ])
    }

    fn arb_dob() -> impl Strategy<Value = Option<String>> {
        prop::option::of(prop_oneof!["19[5-9][0-9]", "19[5-9][0-9]-0[1-9]-[0-2][1-9]", ".{0,10}",])
    }

    type Parts = (Option<String>, Vec<String>, Option<String>, Option<String>);

    fn arb_parts() -> impl Strategy<Value = Parts> {
        (arb_text(), prop::collection::vec(arb_text().prop_map(Option::unwrap_or_default), 0..3), arb_dob(), arb_text())
    }

    fn view(p: &Parts) -> Candidate<'_> {
        Candidate { name: p.0.as_deref(), aliases: &p.1, dob: p.2.as_deref(), description: p.3.as_deref() }
    }

    #[test]
    fn a_roster_scored_on_several_threads_gives_the_same_pairs_as_on_one() {
        // Enough people sharing name prefixes that the blocks hold over 50,000 pairs
        // (the size from which the work is spread over threads).
        let first = ["Maria", "Mario", "Marisol", "Mark", "Martin", "Mary", "Marco", "Marta"];
        let last = ["Martinez", "Marquez", "Marsh", "Mason", "Matthews", "Maddox", "Malone", "Marin"];
        let mut names = Vec::new();
        for (n, f) in first.iter().enumerate() {
            for (m, l) in last.iter().enumerate() {
                for copy in 0..5 {
                    names.push((format!("{f} {l}"), format!("19{}{}", 50 + n, m % 10), copy));
                }
            }
        }
        let none: &[String] = &[];
        let people: Vec<(usize, Candidate<'_>)> = names
            .iter()
            .enumerate()
            .map(|(i, (name, year, copy))| {
                let dob = if copy % 2 == 0 { Some(year.as_str()) } else { None };
                (i, Candidate { name: Some(name.as_str()), aliases: none, dob, description: None })
            })
            .collect();
        let one = likely_pairs_on(&people, usize::MAX, 1);
        let four = likely_pairs_on(&people, usize::MAX, 4);
        assert!(one.len() > 100, "the roster has many likely pairs: {}", one.len());
        assert_eq!(one, four);
        let mut seen = std::collections::HashSet::new();
        assert!(one.iter().all(|(a, b, _)| a < b && seen.insert((*a, *b))), "each pair once, smaller id first");
    }

    proptest! {
        #[test]
        fn score_is_symmetric_and_bounded(a in arb_parts(), b in arb_parts()) {
            let (a, b) = (view(&a), view(&b));
            let ab = score(&a, &b);
            let ba = score(&b, &a);
            prop_assert!((0.0..=1.0).contains(&ab), "{}", ab);
            prop_assert!((0.0..=1.0).contains(&ba), "{}", ba);
            prop_assert!((ab - ba).abs() < 1e-9, "{} vs {}", ab, ba);
        }

        #[test]
        fn blocking_misses_no_pair_that_would_be_offered(people in prop::collection::vec(arb_parts(), 2..12)) {
            let views: Vec<(usize, Candidate<'_>)> = people.iter().map(view).enumerate().collect();
            let mut blocked: Vec<(usize, usize)> = likely_pairs(&views, usize::MAX).into_iter().map(|(a, b, _)| (a, b)).collect();
            let mut all = Vec::new();
            for (i, (a, ca)) in views.iter().enumerate() {
                for (b, cb) in &views[i + 1..] {
                    if score(ca, cb) >= OFFER_THRESHOLD {
                        all.push((*a, *b));
                    }
                }
            }
            blocked.sort_unstable();
            all.sort_unstable();
            prop_assert_eq!(blocked, all);
        }
    }
}
