/**
 * Given and family names of many origins, from the @faker-js/faker locale definitions (Latin-script
 * locales, diacritics folded) plus a curated list of romanised Chinese, Korean, Japanese, Arabic,
 * South Asian and Vietnamese names that faker only ships in native script.
 */
import {
  af_ZA, az, cs_CZ, da, de, en, en_GH, en_IN, en_NG, en_ZA, es, es_MX, fi, fr, fr_SN, hr, hu, id_ID, it, lv, nb_NO, nl,
  pl, pt_BR, ro, sk, sv, tr, uz_UZ_latin, vi, yo_NG, zu_ZA, type LocaleDefinition,
} from '@faker-js/faker';
import { normalizeWord } from './tokens.ts';

const locales: LocaleDefinition[] = [
  en, es, es_MX, fr, fr_SN, de, it, pt_BR, vi, en_IN, pl, nl, tr, id_ID, yo_NG, en_NG, en_GH, zu_ZA, af_ZA, en_ZA, sv, nb_NO,
  fi, da, hu, cs_CZ, ro, hr, sk, lv, az, uz_UZ_latin,
];

const curatedGiven = `
wei fang jing min hui xiu ying lei jun yan hong ping ming tao yong jie xin hao xiaoming xiaoling jian qiang zhiwei yuxuan
zihan haoran yichen meiling lihua jiayi junjie minjun seoyeon jihoon jiwoo seojun hyun eunji soojin jiyeon minho jisoo
hyejin sungmin youngjae hiroshi takeshi yuki haruto sakura yui aoi ren kenji akira naoko keiko yoko hiroko takashi kazuo
satoshi haruka yuto sota riku mohammed muhammad mohamed ahmed ahmad ali hassan hussein hussain omar fatima aisha khalid
youssef yousef ibrahim mustafa abdullah layla leila zainab mariam maryam karim hamza tariq samir amir nour noor yasmin
jamal rashid salma hana huda imran faisal priya rahul amit anil sunita deepak ravi vijay sanjay pooja neha arjun aarav
ananya lakshmi raj rajesh suresh ramesh mahesh kavita anjali divya sneha vikram arun kiran manoj sachin nikhil rohan
minh anh linh thanh huong tuan duc hung lan hoa thu trang hai nam quang phuong ngoc thuy dung khanh
`;
const curatedFamily = `
wang li zhang liu chen yang huang zhao wu zhou xu sun ma zhu hu guo lin gao luo zheng liang xie tang han cao deng feng
cheng cai peng pan yuan yu dong xiao jiang kim lee park choi jung jeong kang cho yoon jang lim seo shin kwon hwang ahn
song yoo jeon moon baek sato suzuki takahashi tanaka watanabe ito yamamoto nakamura kobayashi kato yoshida yamada sasaki
yamaguchi matsumoto inoue kimura hayashi shimizu yamazaki mori abe ikeda hashimoto ishikawa ogawa okada maeda fujita
haddad nasser saleh mansour farah khoury hamdan aziz rahman khan qureshi siddiqui malik chaudhry sheikh abdullah hussain
patel shah sharma singh kumar gupta reddy rao iyer nair mehta joshi desai chopra kapoor malhotra verma agarwal banerjee
chatterjee mukherjee das ghosh bose pillai menon krishnan subramanian venkatesan nguyen tran pham hoang huynh phan vu vo
dang bui ngo duong ly truong
smith johnson williams jones garcia miller davis rodriguez martinez hernandez lopez gonzalez wilson anderson thomas
taylor moore jackson martin lee perez thompson harris sanchez clark ramirez lewis robinson walker allen wright
scott torres nguyen hill flores green adams nelson baker hall rivera campbell mitchell carter roberts gomez phillips
evans turner diaz parker cruz edwards collins reyes stewart morris morales murphy cook rogers gutierrez ortiz morgan
cooper peterson bailey reed kelly howard ramos cox ward richardson watson brooks chavez wood james bennett gray
mendoza ruiz hughes price alvarez castillo sanders myers long ross foster jimenez powell jenkins perry russell
sullivan bell coleman butler henderson barnes fisher vasquez simmons graham marshall owens harrison gibson
`;

function addNames(target: Set<string>, names: readonly string[] | undefined): void {
  if (!names) return;
  for (const name of names) {
    // Multi-word entries ("Ana María", "Van der Berg") contribute each part long enough to be a name.
    for (const part of name.split(/[\s-]+/)) {
      const word = normalizeWord(part);
      if (word.length >= 2 && /^[a-z][a-z']*$/.test(word)) target.add(word);
    }
  }
}

type NameField = readonly string[] | Partial<Record<'generic' | 'female' | 'male', readonly string[]>> | undefined;

function namesOf(field: NameField): (readonly string[])[] {
  if (!field) return [];
  if (Array.isArray(field)) return [field as readonly string[]];
  const byGender = field as Partial<Record<string, readonly string[]>>;
  return [byGender.generic, byGender.female, byGender.male].filter((list): list is readonly string[] => Array.isArray(list));
}

function build(): { given: Set<string>; family: Set<string> } {
  const given = new Set<string>();
  const family = new Set<string>();
  for (const locale of locales) {
    const person = locale.person;
    if (!person) continue;
    for (const list of namesOf(person.first_name as NameField)) addNames(given, list);
    for (const list of namesOf(person.middle_name as NameField)) addNames(given, list);
    for (const list of namesOf(person.last_name as NameField)) addNames(family, list);
  }
  addNames(given, curatedGiven.trim().split(/\s+/));
  addNames(family, curatedFamily.trim().split(/\s+/));
  return { given, family };
}

const built = build();

/** Given names, lowercase ASCII-folded. */
export const givenNames: ReadonlySet<string> = built.given;
/** Family names, lowercase ASCII-folded. */
export const familyNames: ReadonlySet<string> = built.family;

/** Is `norm` (a normalised token) a known given or family name? */
export function isLexiconName(norm: string): boolean {
  return givenNames.has(norm) || familyNames.has(norm);
}
