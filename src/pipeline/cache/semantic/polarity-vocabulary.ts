/**
 * The words the polarity guard reads, written as `normalisedWords` leaves them (`don't` → `dont`).
 * Lists are space-separated for reading; `wordsOf` splits them.
 */

const wordsOf = (list: string): string[] => list.split(/\s+/).filter((word) => word !== '');

/** Words that negate. Two prompts whose counts of these differ conflict. */
export const negationWords: ReadonlySet<string> = new Set(
  wordsOf(`
    no not never nor none nobody nothing nowhere neither without cannot unable
    dont doesnt didnt isnt arent wasnt werent wont wouldnt shouldnt couldnt cant
    havent hasnt hadnt mustnt neednt aint shant mightnt
  `),
);

/**
 * Families of opposing words: two sides, each a list of words that mean the same side. Two prompts
 * conflict when both use a family and the sides they use differ. `on`, `in` and `out` are too
 * common as prepositions to list here; `particleFamilies` reads them only after a verb they belong to.
 */
const opposingFamilies: readonly (readonly [string, string, string])[] = [
  ['switch', 'enable enables enabled enabling activate activates activated activating unmute unmuted',
    'off disable disables disabled disabling deactivate deactivates deactivated deactivating mute muted'],
  ['amount', 'increase increases increased increasing raise raises raised raising boost boosts boosted boosting',
    'decrease decreases decreased decreasing reduce reduces reduced reducing'],
  ['membership', 'add adds added adding insert inserts inserted inserting',
    'remove removes removed removing delete deletes deleted deleting'],
  ['permission', 'allow allows allowed allowing permit permits permitted unblock unblocked',
    'block blocks blocked blocking deny denies denied denying forbid forbids forbidden prevent prevents prevented ban bans banned disallow disallowed'],
  ['truth', 'true', 'false'],
  ['order', 'before prior', 'after'],
  ['extreme', 'min minimum minimal minimise minimize minimum lowest smallest least fewest shortest',
    'max maximum maximal maximise maximize highest largest biggest most longest'],
  ['comparison', 'more higher larger bigger greater longer', 'less fewer lower smaller shorter'],
  ['quality', 'better best', 'worse worst'],
  ['lifecycle', 'start starts started starting begin begins began beginning',
    'stop stops stopped stopping end ends ended ending finish finishes finished quit'],
  ['access', 'open opens opened opening', 'close closes closed closing shut'],
  ['direction', 'up upward upwards upload uploads uploading uploaded upgrade upgrades upgrading upgraded upvote',
    'down downward downwards download downloads downloading downloaded downgrade downgrades downgrading downgraded downvote'],
  ['session', 'login logon signin', 'logout logoff signout'],
  ['transfer', 'import imports imported importing', 'export exports exported exporting'],
  ['visibility', 'show shows showed shown showing unhide', 'hide hides hid hidden hiding'],
  ['selection', 'include includes included including', 'exclude excludes excluded excluding'],
  ['consent', 'accept accepts accepted accepting approve approved', 'reject rejects rejected rejecting decline declined'],
  ['trade', 'buy buys bought buying purchase', 'sell sells sold selling'],
  ['motion', 'push pushes pushed pushing', 'pull pulls pulled pulling'],
  ['message', 'send sends sent sending', 'receive receives received receiving'],
  ['case', 'upper uppercase', 'lower lowercase'],
  ['sequence', 'first earliest', 'last latest'],
  ['position', 'above', 'below'],
  ['sign', 'positive', 'negative'],
  ['merit', 'pros pro advantage advantages benefit benefits upside upsides', 'cons con disadvantage disadvantages drawback drawbacks downside downsides'],
  ['outcome', 'win wins won winning gain gains gained gaining', 'lose loses lost losing'],
  ['temperature', 'hot hotter warm warmer', 'cold colder cool cooler'],
  ['speed', 'fast faster fastest quick quicker quickest', 'slow slower slowest'],
  ['price', 'cheap cheaper cheapest', 'expensive costly'],
  ['age', 'new newer newest young younger youngest', 'old older oldest'],
  ['theme', 'light', 'dark'],
  ['time', 'past yesterday', 'future tomorrow'],
  ['flow', 'input inputs ascending forward', 'output outputs descending backward backwards'],
  ['gender', 'man men male males boy boys husband boyfriend father son brother he him his',
    'woman women female females girl girls wife girlfriend mother daughter sister she her hers'],
];

/** `on`, `in` and `out` as particles: they count only within three words after one of these verbs. */
export const particleFamilies: readonly { readonly family: string; readonly side: 0 | 1; readonly particle: string; readonly verbs: ReadonlySet<string> }[] = [
  { family: 'switch', side: 0, particle: 'on', verbs: new Set(wordsOf('turn turns turned turning switch switches switched switching toggle toggled flip flipped power powered log logs logged logging leave left keep kept stay stays')) },
  { family: 'session', side: 0, particle: 'in', verbs: new Set(wordsOf('log logs logged logging sign signs signed signing check checked checking opt opted plug plugged')) },
  { family: 'session', side: 1, particle: 'out', verbs: new Set(wordsOf('log logs logged logging sign signs signed signing check checked checking opt opted plug plugged')) },
];

export interface OpposingWord {
  readonly family: string;
  readonly side: 0 | 1;
}

/** Each listed word's family and side. */
export const opposingWords: ReadonlyMap<string, OpposingWord> = new Map<string, OpposingWord>(
  opposingFamilies.flatMap(([family, first, second]) => [
    ...wordsOf(first).map((word): [string, OpposingWord] => [word, { family, side: 0 }]),
    ...wordsOf(second).map((word): [string, OpposingWord] => [word, { family, side: 1 }]),
  ]),
);

/**
 * Prefixes that turn a word into its opposite (`lock`/`unlock`, `connect`/`disconnect`,
 * `legal`/`illegal`), read only when the rest is at least `minimumBaseLength` letters.
 */
export const negatingPrefixes: readonly string[] = wordsOf('un dis non de in im il ir mis');
export const minimumBaseLength = 4;

/**
 * Words that make an order meaningful: between the same two words in both prompts, in opposite
 * orders, they make "convert km to miles" and "convert miles to km" conflict.
 */
export const directionalWords: ReadonlySet<string> = new Set(wordsOf('to into onto than from over'));

/** Words too common to anchor an order comparison. */
export const commonWords: ReadonlySet<string> = new Set(
  wordsOf(`
    a an the of to in for on at by with from as about into onto than over and or but if so then that this these those
    it its is are was were be been being am do does did have has had can could should would will shall may might must
    i me my we our you your he she his her they them their what which who whom whose how why when where there here
    some any get way ways vs versus
  `),
);

/** Number words and their values; scales multiply what precedes them. */
export const numberWords: ReadonlyMap<string, number> = new Map([
  ['zero', 0], ['one', 1], ['two', 2], ['three', 3], ['four', 4], ['five', 5], ['six', 6], ['seven', 7], ['eight', 8], ['nine', 9],
  ['ten', 10], ['eleven', 11], ['twelve', 12], ['thirteen', 13], ['fourteen', 14], ['fifteen', 15], ['sixteen', 16],
  ['seventeen', 17], ['eighteen', 18], ['nineteen', 19], ['twenty', 20], ['thirty', 30], ['forty', 40], ['fifty', 50],
  ['sixty', 60], ['seventy', 70], ['eighty', 80], ['ninety', 90],
]);
export const scaleWords: ReadonlyMap<string, number> = new Map([
  ['dozen', 12], ['hundred', 100], ['thousand', 1e3], ['million', 1e6], ['billion', 1e9], ['trillion', 1e12],
]);

/**
 * Whom a prompt is about, by grammatical person. Two prompts that refer to different sets of
 * persons ask different things ("what do you think of my painting" / "… of this painting", "is it
 * wrong to hate my mother" / "… your mother"). `ill`, `id`, `us` and `were` are left out: without
 * their apostrophes or capitals they are as often other words.
 */
export const personOfWord: ReadonlyMap<string, string> = new Map(
  [
    ['first-singular', 'i me my mine myself im ive'],
    ['first-plural', 'we our ours ourselves weve'],
    ['second', 'you your yours yourself yourselves youre youve u ur'],
    ['third-singular', 'he him his himself she her hers herself hes shes'],
    ['third-plural', 'they them their theirs themselves theyre theyve'],
  ].flatMap(([person, words]) => wordsOf(words!).map((word): [string, string] => [word, person!])),
);

/**
 * Verbs that put a question in the past or in a hypothetical: "how did you become a data
 * scientist" asks for a story, "how do I become one" for advice; "what would you do with $50M"
 * is not "what should you do with $50M". The present and its usual modals (`do`, `can`, `should`)
 * are left alone, since "how do I" and "how can I" ask the same.
 */
export const tenseOfWord: ReadonlyMap<string, string> = new Map(
  [
    ['past', 'did was were had'],
    ['hypothetical', 'would might'],
  ].flatMap(([tense, words]) => wordsOf(words!).map((word): [string, string] => [word, tense!])),
);

/** Words that join equals: the two sides of "X and Y" may swap. */
export const coordinatingWords: ReadonlySet<string> = new Set(wordsOf('and or nor vs versus'));

/** Words that give the words around them roles ("import from X, sell in Y"): around them, order matters. */
export const relationWords: ReadonlySet<string> = new Set(
  wordsOf('to into onto than from over of for in on at about with by against under toward towards via per after before'),
);
