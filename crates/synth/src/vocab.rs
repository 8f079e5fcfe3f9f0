//! The vocabulary: real seed words and generated word forms, drawn with Zipf weights.

use super::*;

pub(crate) struct Vocab {
    pub(crate) words: Vec<Box<str>>,
    /// Alias table for the Zipf–Mandelbrot law: threshold (32-bit) and alias.
    pub(crate) prob: Vec<u32>,
    pub(crate) alias: Vec<u32>,
}

/// Words at these ranks and above are content words topics are drawn from.
pub(crate) const TOPIC_MIN_RANK: usize = 100;
/// Topic words are drawn half below and half above this rank.
pub(crate) const TOPIC_SPLIT_RANK: usize = 5000;
/// Zipf–Mandelbrot offset `q` in `1 / (rank + q)`.
pub(crate) const ZIPF_Q: f64 = 2.7;

pub(crate) fn is_arabic_letter(c: char) -> bool {
    ('\u{0621}'..='\u{064A}').contains(&c) && c != '\u{0640}'
}

pub(crate) fn is_arabic_mark(c: char) -> bool {
    ('\u{064B}'..='\u{065F}').contains(&c) || c == '\u{0670}' || c == '\u{0640}'
}

pub(crate) fn seed_words() -> Vec<String> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for text in SEEDS {
        let mut word = String::new();
        for c in text.chars().chain(std::iter::once(' ')) {
            if is_arabic_letter(c) {
                word.push(c);
            } else if is_arabic_mark(c) {
                continue;
            } else if !word.is_empty() {
                *counts.entry(std::mem::take(&mut word)).or_insert(0) += 1;
            }
        }
    }
    let mut words: Vec<(String, usize)> = counts.into_iter().collect();
    words.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    words.into_iter().map(|(w, _)| w).collect()
}

/// Root consonants, repeated roughly by how often they occur in Arabic roots.
pub(crate) const ROOT_LETTERS: &str =
    "ررررلللللممممننننعععععببببددددسسسقققفففككككححححجججتتتهههوووييششصصططززخخثضغذظ";

/// Function words, roughly in order of frequency in news text.
pub(crate) const FUNCTION_WORDS: &str = "في من على إلى أن عن التي الذي مع هذا هذه كان ما لا أو بعد قد بين كما إن \
    وقال ذلك حيث عند حتى منذ خلال كل أي لم لن قبل ضد عام فيما وفي إلا ثم هو هي وأن تلك أيضا \
    لكن غير دون إذا الذين يوم أمس اليوم وهو وهي نحو عبر لدى لها له بها به فيه عليه منه إليه \
    وقد كانت يكون تكون أكثر أول بعض أمام وكان وذلك ولا وما ومن وعلى وإلى مثل جميع أحد حول \
    ضمن وفق بشأن بسبب رغم عدد كذلك فقط حين بينما وأضاف وأكد قال أكد أضاف وأشار أشار وأوضح \
    يتم تم سوف ليس لقد فإن بأن لأن أنه أنها إنه عليها منها فيها لهم عنه عنها";

/// Common news content words, placed after the function words.
pub(crate) const NEWS_WORDS: &str = "الرئيس الحكومة الوزير وزير وزارة الدولة الأمن الشرطة الجيش القوات \
    المتحدة الأمم مجلس الخارجية الداخلية الاقتصاد السياسية العسكرية الرسمية الوطنية العربية \
    الدولية المنطقة البلاد العاصمة المدينة الشعب المواطنين الأطفال النساء الضحايا القتلى \
    الجرحى الهجوم الانتخابات البرلمان المعارضة الاتفاق المفاوضات الأزمة الحرب السلام القرار \
    المسؤولين المسؤول مصادر مصدر بيان تصريحات تقرير الأسبوع الشهر العام الماضي المقبل الجديد \
    الجديدة الأولى الثانية الأخيرة مليون مليار دولار نسبة المئة أسعار النفط الغاز السوق البنك \
    المركزي الشركة الشركات مشروع المشروع التعليم الصحة المستشفى الطبية فيروس الإصابات اللاجئين \
    الحدود المحكمة القضاء النيابة المتهمين قوات عملية العملية الاحتلال المستوطنين الفلسطينية \
    السلطة الإسرائيلي الإسرائيلية الأمريكية الروسية التركية الإيرانية المصرية السعودية السورية \
    العراقية اللبنانية الأردنية اليمنية الليبية الجزائرية المغربية التونسية الخليج القمة \
    الاجتماع اللقاء الزيارة التعاون العلاقات الدعم المساعدات الإنسانية التنمية الاستثمار \
    المواطن حقوق الإنسان الحرية الإعلام الصحفيين وسائل التواصل الاجتماعي الإنترنت الموقع \
    المنتخب المباراة الفريق الدوري البطولة الملعب اللاعب المدرب الفوز الهدف";

pub(crate) fn split_list(list: &str) -> impl Iterator<Item = &str> {
    list.split_whitespace()
}

/// Morphological patterns: 1, 2, 3 stand for the root letters.
pub(crate) const PATTERNS: &[&str] = &[
    "123",
    "1ا23",
    "م12و3",
    "12ي3",
    "12ا3",
    "ت12ي3",
    "م1ا23",
    "ا1ت2ا3",
    "است12ا3",
    "ان12ا3",
    "12ا3ن",
    "م123",
    "ت1ا23",
    "1وا23",
    "أ12ا3",
    "م1ا2ي3",
    "12و3",
    "م1ت23",
    "م1ت2ا3",
    "مست123",
    "ت123",
    "1ا2و3",
    "12ائ3",
    "أ123",
    "ي123",
    "ت1ا2ي3",
];

pub(crate) const PREFIXES: &[(&str, u32)] = &[
    ("", 50),
    ("ال", 22),
    ("و", 6),
    ("وال", 6),
    ("ب", 3),
    ("بال", 4),
    ("ل", 2),
    ("لل", 3),
    ("ف", 1),
    ("ك", 1),
    ("س", 1),
];

pub(crate) const SUFFIXES: &[(&str, u32)] = &[
    ("", 45),
    ("ة", 16),
    ("ات", 7),
    ("ون", 4),
    ("ين", 5),
    ("ية", 7),
    ("ي", 3),
    ("ها", 3),
    ("هم", 2),
    ("ان", 3),
    ("يات", 2),
    ("ه", 2),
    ("نا", 1),
];

pub(crate) fn weighted<'a>(rng: &mut SynthRng, items: &'a [(&'a str, u32)]) -> &'a str {
    let total: u32 = items.iter().map(|x| x.1).sum();
    let mut r = rng.below(total as usize) as u32;
    for (s, w) in items {
        if r < *w {
            return s;
        }
        r -= w;
    }
    items[items.len() - 1].0
}

pub(crate) fn synthetic_word(rng: &mut SynthRng) -> String {
    let letters: Vec<char> = ROOT_LETTERS.chars().collect();
    let mut root = [' '; 3];
    for i in 0..3 {
        // Roots rarely repeat a letter in adjacent positions.
        loop {
            root[i] = *rng.pick(&letters);
            if i == 0 || root[i] != root[i - 1] {
                break;
            }
        }
    }
    let pattern = rng.pick(PATTERNS);
    let mut w = String::with_capacity(24);
    w.push_str(weighted(rng, PREFIXES));
    for c in pattern.chars() {
        match c {
            '1' => w.push(root[0]),
            '2' => w.push(root[1]),
            '3' => w.push(root[2]),
            _ => w.push(c),
        }
    }
    w.push_str(weighted(rng, SUFFIXES));
    w
}

impl Vocab {
    /// Function words first, then common news words, then the seed
    /// articles' words (by frequency) interleaved one in three with
    /// synthetic words, then synthetic words only.
    pub(crate) fn build() -> Vocab {
        let mut words: Vec<String> = Vec::with_capacity(VOCAB_SIZE);
        let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
        for w in split_list(FUNCTION_WORDS).chain(split_list(NEWS_WORDS)) {
            if seen.insert(w.to_string()) {
                words.push(w.to_string());
            }
        }
        let mut seeds = seed_words().into_iter().peekable();
        let mut rng = SynthRng::new(0x5EED_A7A5);
        while words.len() < VOCAB_SIZE {
            let w = if words.len() % 3 == 0 && seeds.peek().is_some() {
                seeds.next().expect("peeked")
            } else {
                synthetic_word(&mut rng)
            };
            if seen.insert(w.clone()) {
                words.push(w);
            }
        }
        let weights: Vec<f64> = (0..words.len())
            .map(|r| 1.0 / (r as f64 + ZIPF_Q))
            .collect();
        let (prob, alias) = alias_table(&weights);
        Vocab {
            words: words.into_iter().map(String::into_boxed_str).collect(),
            prob,
            alias,
        }
    }

    #[inline]
    pub(crate) fn zipf(&self, rng: &mut SynthRng) -> &str {
        let u = rng.next_u64();
        let i = (((u >> 32) * self.words.len() as u64) >> 32) as usize;
        let r = if (u as u32) < self.prob[i] {
            i
        } else {
            self.alias[i] as usize
        };
        &self.words[r]
    }
}

/// Vose's alias method with 32-bit integer thresholds.
pub(crate) fn alias_table(weights: &[f64]) -> (Vec<u32>, Vec<u32>) {
    let n = weights.len();
    let total: f64 = weights.iter().sum();
    let mut scaled: Vec<f64> = weights.iter().map(|w| w * n as f64 / total).collect();
    let mut prob = vec![u32::MAX; n];
    let mut alias: Vec<u32> = (0..n as u32).collect();
    let mut small: Vec<usize> = Vec::new();
    let mut large: Vec<usize> = Vec::new();
    for (i, &p) in scaled.iter().enumerate() {
        if p < 1.0 {
            small.push(i);
        } else {
            large.push(i);
        }
    }
    while let (Some(s), Some(&l)) = (small.pop(), large.last()) {
        prob[s] = (scaled[s] * 4_294_967_296.0).min(u32::MAX as f64) as u32;
        alias[s] = l as u32;
        scaled[l] -= 1.0 - scaled[s];
        if scaled[l] < 1.0 {
            large.pop();
            small.push(l);
        }
    }
    (prob, alias)
}

pub(crate) fn vocab() -> &'static Vocab {
    static VOCAB: OnceLock<Vocab> = OnceLock::new();
    VOCAB.get_or_init(Vocab::build)
}
