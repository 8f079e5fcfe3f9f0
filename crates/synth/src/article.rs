//! Writing one article: outlets, openers, paragraphs, numbers, boilerplate.

use super::*;

pub(crate) const OUTLETS: &[&str] = &[
    "الجزيرة نت",
    "العربية نت",
    "سكاي نيوز عربية",
    "بي بي سي عربي",
    "فرانس 24",
    "الشرق الأوسط",
    "القدس العربي",
    "اليوم السابع",
    "المصري اليوم",
    "الأهرام",
    "الخليج",
    "البيان",
    "عكاظ",
    "هسبريس",
    "الشروق",
    "النهار",
    "العربي الجديد",
    "روسيا اليوم",
    "دويتشه فيله",
    "الرأي",
];

pub(crate) const READ_ALSO: &[&str] = &[
    "ارتفاع أسعار النفط في الأسواق العالمية",
    "الأمم المتحدة تحذر من أزمة إنسانية جديدة",
    "وزير الخارجية يبحث مع نظيره تطورات المنطقة",
    "مباحثات جديدة لوقف إطلاق النار",
    "البنك المركزي يرفع سعر الفائدة",
    "انطلاق فعاليات المعرض الدولي للكتاب",
    "تعرف على حالة الطقس غدا",
    "منتخب مصر يستعد لمواجهة حاسمة",
    "الحكومة تعلن حزمة إجراءات اقتصادية",
    "قمة عربية طارئة لبحث الأوضاع الإقليمية",
    "الصحة العالمية تعلن ارتفاع عدد الإصابات",
    "انتخابات برلمانية وسط إقبال ضعيف",
];

pub(crate) const OPENERS: &[&str] = &[
    "وقال",
    "وأضاف",
    "وأكد",
    "وأشار",
    "من جهته،",
    "في المقابل،",
    "وبحسب",
    "وفي سياق متصل،",
    "كما",
    "ولفت",
    "وتابع",
    "في غضون ذلك،",
    "وأوضح",
    "وذكرت",
];

pub(crate) const LATIN: &[&str] = &[
    "COVID-19", "NATO", "BBC", "CNN", "G20", "iPhone", "OPEC", "UNICEF", "Reuters", "AFP", "FIFA",
];

pub(crate) const ARABIC_DIGITS: [char; 10] = ['٠', '١', '٢', '٣', '٤', '٥', '٦', '٧', '٨', '٩'];

pub(crate) fn push_number(rng: &mut SynthRng, out: &mut String) {
    let n = match rng.below(4) {
        0 => 1990 + rng.below(37),
        1 => rng.range(2, 99),
        2 => rng.range(100, 9999),
        _ => rng.range(1, 31),
    };
    if rng.chance(0.2) {
        for d in n.to_string().bytes() {
            out.push(ARABIC_DIGITS[(d - b'0') as usize]);
        }
    } else {
        out.push_str(&n.to_string());
    }
}

/// One article's lines: optional boilerplate header, headline, paragraphs,
/// optional boilerplate footer. `body` are the indices of paragraph lines.
pub(crate) struct Article {
    pub(crate) lines: Vec<String>,
    pub(crate) body: std::ops::Range<usize>,
}

impl Article {
    pub(crate) fn render(&self) -> (String, Vec<Span>) {
        let len: usize = self.lines.iter().map(|l| l.len() + 1).sum();
        let mut text = String::with_capacity(len);
        let mut spans = Vec::with_capacity(self.lines.len());
        for (i, l) in self.lines.iter().enumerate() {
            if i > 0 {
                text.push('\n');
            }
            let start = text.len();
            text.push_str(l);
            spans.push(Span::new(start, text.len()));
        }
        (text, spans)
    }

    /// Index of a paragraph line suitable for sharing: a random one among
    /// those of at least 30 words, else the longest.
    pub(crate) fn pick_paragraph(&self, rng: &mut SynthRng) -> usize {
        let long: Vec<usize> = self
            .body
            .clone()
            .filter(|&i| self.lines[i].split(' ').count() >= 30)
            .collect();
        if long.is_empty() {
            self.body
                .clone()
                .max_by_key(|&i| (self.lines[i].len(), std::cmp::Reverse(i)))
                .unwrap_or(0)
        } else {
            *rng.pick(&long)
        }
    }
}

pub(crate) struct Writer<'v> {
    pub(crate) vocab: &'v Vocab,
    pub(crate) topic: Vec<u32>,
}

impl Writer<'_> {
    pub(crate) fn new(rng: &mut SynthRng) -> Writer<'static> {
        let vocab = vocab();
        let n = rng.range(20, 60);
        let topic = (0..n)
            .map(|_| {
                // Half of the topic words are common, half from the long tail.
                let r = if rng.chance(0.5) {
                    rng.range(TOPIC_MIN_RANK, TOPIC_SPLIT_RANK - 1)
                } else {
                    rng.range(TOPIC_SPLIT_RANK, vocab.words.len() - 1)
                };
                r as u32
            })
            .collect();
        Writer { vocab, topic }
    }

    #[inline]
    pub(crate) fn word(&self, rng: &mut SynthRng, out: &mut String) {
        let r = rng.next_u64() & 0xffff;
        if r < 0x3333 {
            out.push_str(&self.vocab.words[self.topic[rng.below(self.topic.len())] as usize]);
        } else if r < 0x3333 + 0x180 {
            push_number(rng, out);
        } else if r < 0x3333 + 0x180 + 0x20 {
            out.push_str(rng.pick::<&str>(LATIN));
        } else {
            out.push_str(self.vocab.zipf(rng));
        }
    }

    pub(crate) fn sentence(&self, rng: &mut SynthRng, out: &mut String) {
        let n = rng.range(6, 28);
        let mut i = 0;
        if rng.chance(0.3) {
            out.push_str(rng.pick::<&str>(OPENERS));
            out.push(' ');
            i = 1;
        }
        let quote_at = if rng.chance(0.12) {
            Some(rng.range(i.max(1), n - 2))
        } else {
            None
        };
        while i < n {
            if quote_at == Some(i) {
                out.push('«');
            }
            self.word(rng, out);
            if i + 1 == n {
                if quote_at.is_some() {
                    out.push('»');
                }
                let t = rng.below(100);
                out.push(match t {
                    0..=93 => '.',
                    94..=97 => '؟',
                    _ => '!',
                });
            } else {
                if rng.chance(0.07) {
                    out.push('،');
                }
                out.push(' ');
            }
            i += 1;
        }
    }

    pub(crate) fn headline(&self, rng: &mut SynthRng) -> String {
        let mut h = String::with_capacity(120);
        let n = rng.range(5, 12);
        for i in 0..n {
            if i > 0 {
                h.push(' ');
            }
            self.word(rng, &mut h);
        }
        h
    }
}

/// A right-skewed length multiplier with mean 1 (0.29 to 6.5), using
/// IEEE-exact arithmetic only: `0.3 + 0.6 · x²` with `x` triangular on
/// `[0, 2)` (so `E[x²] = 7/6`), times 2.5 for 3 % of long articles, all
/// divided by the mean `0.97 + 0.03 · 2.5 = 1.045`.
pub(crate) fn length_factor(rng: &mut SynthRng) -> f64 {
    let x = rng.unit() + rng.unit();
    let f = 0.3 + 0.7 * x * x * (6.0 / 7.0);
    let f = if rng.chance(0.03) { f * 2.5 } else { f };
    f / 1.045
}

pub(crate) fn boilerplate_header(rng: &mut SynthRng) -> String {
    let outlet = rng.pick(OUTLETS);
    match rng.below(3) {
        0 => format!("{outlet} - متابعات"),
        1 => format!("المصدر: {outlet}"),
        _ => format!("{outlet} | أخبار عاجلة"),
    }
}

pub(crate) fn boilerplate_footer(rng: &mut SynthRng) -> String {
    match rng.below(4) {
        0 => format!(
            "جميع الحقوق محفوظة © {} {}",
            2015 + rng.below(12),
            rng.pick(OUTLETS)
        ),
        1 => format!("اقرأ أيضا: {}", rng.pick(READ_ALSO)),
        2 => "تابعونا على فيسبوك وتويتر للمزيد من الأخبار".to_string(),
        _ => format!("اقرأ أيضا: {}", rng.pick(READ_ALSO)),
    }
}

pub(crate) fn write_article(rng: &mut SynthRng, params: &SynthParams) -> Article {
    let w = Writer::new(rng);
    // The last sentence overshoots the target by about 80 bytes on average.
    let target = (params.mean_bytes as f64 * length_factor(rng)) as usize;
    let target = target.saturating_sub(80).max(150);
    let mut lines = Vec::with_capacity(12);
    let boiler = rng.chance(params.boilerplate_rate);
    if boiler && rng.chance(0.5) {
        lines.push(boilerplate_header(rng));
    }
    let headline = w.headline(rng);
    let mut len = headline.len();
    lines.push(headline);
    let body_start = lines.len();
    // Paragraphs of 1 to 4 sentences, until the target length is reached.
    while len < target {
        let mut p = String::with_capacity(600);
        let sentences = rng.range(1, 4);
        for s in 0..sentences {
            if s > 0 {
                p.push(' ');
            }
            w.sentence(rng, &mut p);
            if len + p.len() + 1 >= target {
                break;
            }
        }
        len += p.len() + 1;
        lines.push(p);
    }
    let body = body_start..lines.len();
    if boiler {
        lines.push(boilerplate_footer(rng));
    }
    Article { lines, body }
}
