import { describe, expect, it } from 'vitest';
import { findPolarityConflict, polarityConflict } from './polarity-guard.js';

/** Checks both directions: the guard must not depend on which prompt is cached. */
function expectConflict(first: string, second: string, kind: string): void {
  expect(findPolarityConflict(first, second)?.kind, `${first} / ${second}`).toBe(kind);
  expect(findPolarityConflict(second, first)?.kind, `${second} / ${first}`).toBe(kind);
}

function expectNoConflict(first: string, second: string): void {
  expect(findPolarityConflict(first, second), `${first} / ${second}`).toBeUndefined();
  expect(findPolarityConflict(second, first), `${second} / ${first}`).toBeUndefined();
}

describe('polarityConflict: conflicts', () => {
  it('turning something on versus off, however it is said', () => {
    expectConflict('How do I turn dark mode off?', 'How do I turn dark mode on?', 'opposing-words');
    expectConflict('how do I turn off two-factor auth', 'how do I turn on two-factor auth', 'opposing-words');
    expectConflict('How do I switch the VPN on', 'How do I disable the VPN', 'opposing-words');
    expectConflict('enable notifications in Slack', 'disable notifications in Slack', 'opposing-words');
  });

  it('the other opposing pairs', () => {
    const pairs: [string, string][] = [
      ['How do I increase the heap size in Java?', 'How do I decrease the heap size in Java?'],
      ['How to add a user to a group in Linux', 'How to remove a user from a group in Linux'],
      ['allow cookies for this site', 'block cookies for this site'],
      ['Is it true that coffee dehydrates you?', 'Is it false that coffee dehydrates you?'],
      ['What should I eat before a run?', 'What should I eat after a run?'],
      ['What is the minimum wage in Texas?', 'What is the maximum wage in Texas?'],
      ['How do I start the docker daemon', 'How do I stop the docker daemon'],
      ['Why won’t the file open', 'Why won’t the file close'],
      ['How do I log in to my account', 'How do I log out of my account'],
      ['How do I upload a file to Google Drive', 'How do I download a file from Google Drive'],
      ['best laptop for programming', 'worst laptop for programming'],
      ['How to convert a string to uppercase in Python', 'How to convert a string to lowercase in Python'],
    ];
    for (const [first, second] of pairs) expectConflict(first, second, 'opposing-words');
  });

  it('a negation on one side only', () => {
    expectConflict('Why does my phone charge?', "Why doesn't my phone charge?", 'negation');
    expectConflict('How to lose weight with exercise', 'How to lose weight without exercise', 'negation');
    expectConflict('Should I use a VPN at home?', 'Should I never use a VPN at home?', 'negation');
  });

  it('different numbers or quantities', () => {
    expectConflict('Give me 5 items for a picnic', 'Give me 6 items for a picnic', 'quantity');
    expectConflict('Write a five-line poem about autumn', 'Write a 6-line poem about autumn', 'quantity');
    expectConflict('Convert 100 km to miles', 'Convert km to miles', 'quantity');
    expectConflict('Is the iPhone 14 waterproof?', 'Is the iPhone 15 waterproof?', 'quantity');
    expectConflict('population of the US in 2010', 'population of the US in 2020', 'quantity');
    expectConflict('What is 2 million divided by 4', 'What is 3 million divided by 4', 'quantity');
  });

  it('a word and its prefixed opposite', () => {
    expectConflict('How do I lock my screen on a Mac', 'How do I unlock my screen on a Mac', 'negating-prefix');
    expectConflict('Is it legal to record a phone call?', 'Is it illegal to record a phone call?', 'negating-prefix');
    expectConflict('How do I install Homebrew', 'How do I uninstall Homebrew', 'negating-prefix');
  });

  it('symbols that carry meaning in technical prompts', () => {
    expectConflict('What is the best book to learn C++?', 'What is the best book to learn C#?', 'symbols');
    expectConflict('In JavaScript, what does a = b return?', 'In JavaScript, what does a == b return?', 'symbols');
  });

  it('the same words around a directional word, in reverse order', () => {
    expectConflict('How do I convert km to miles', 'How do I convert miles to km', 'direction');
    expectConflict('Is Python faster than Java?', 'Is Java faster than Python?', 'direction');
    expectConflict('cheapest flights from London to Paris', 'cheapest flights from Paris to London', 'direction');
    expectConflict('translate English into French', 'translate French into English', 'direction');
  });

  it('symbols standing alone', () => {
    expectConflict('What is the difference between # and ## in python?', 'What is the difference between () and (,) in Python?', 'symbols');
    expectConflict('what does * mean in a regex', 'what does + mean in a regex', 'symbols');
  });

  it('another person: whose thing, or who is asked', () => {
    expectConflict('What are your thoughts on this painting?', 'What are your thoughts on my painting?', 'perspective');
    expectConflict('Is it wrong to hate my mother?', 'Is it wrong to hate your mother?', 'perspective');
    expectConflict('What should we follow on Quora?', 'What should I follow on Quora?', 'perspective');
    expectConflict('What does sex mean to you?', 'What does sex mean?', 'perspective');
  });

  it('the past or a hypothetical against the present', () => {
    expectConflict('How did you become a data scientist?', 'How do you become a data scientist?', 'tense');
    expectConflict('What would you do with 50 million dollars?', 'What should you do with 50 million dollars?', 'tense');
    expectConflict('Was the Roman empire rich?', 'Is the Roman empire rich?', 'tense');
  });

  it('two words that swap roles', () => {
    expectConflict(
      'What is the most profitable product to import from Canada and sell in India?',
      'What is the most profitable product to import from India and sell in Canada?',
      'order',
    );
    expectConflict('What do North Indians think about South Indians?', 'What do South Indians think about North Indians?', 'order');
    expectConflict('Can data science graduates apply for psychology?', 'Can psychology graduates apply for data science?', 'order');
    expectConflict('Do Indian women find Pakistani men attractive?', 'Do Pakistani women find Indian men attractive?', 'order');
  });

  it('errs towards conflict: a reordering that keeps the meaning is a miss', () => {
    expectConflict('Is it worth jailbreaking an iPhone?', 'Is jailbreaking an iPhone worth it?', 'order');
    expectConflict('How do I turn off notifications on my iPhone?', 'How can I disable iPhone notifications?', 'order');
  });

  it('is the boolean form of findPolarityConflict', () => {
    expect(polarityConflict('turn it on', 'turn it off')).toBe(true);
    expect(polarityConflict('turn it on', 'switch it on')).toBe(false);
  });
});

describe('polarityConflict: paraphrases that must not conflict', () => {
  it('the same side said differently', () => {
    expectNoConflict('How do I turn off notifications on my iPhone?', 'How can I disable notifications on my iPhone?');
    expectNoConflict('How do I turn dark mode on?', 'How can I enable dark mode?');
    expectNoConflict('How to delete a file in git', 'How do I remove a file from git');
    expectNoConflict('What are the pros and cons of remote work?', 'What are the advantages and disadvantages of remote work?');
    expectNoConflict('How do I stop smoking?', 'What is the best way to quit smoking?');
  });

  it('the same negation, spelled differently', () => {
    expectNoConflict("Why can't I log in to Gmail?", 'Why cannot I log in to Gmail');
    expectNoConflict("I don't get my emails", 'I do not get my emails');
    expectNoConflict('Is a non-profit taxed?', 'Is a nonprofit taxed?');
  });

  it('the same number, spelled differently', () => {
    expectNoConflict('Give me 5 items for a picnic', 'Give me five items for a picnic');
    expectNoConflict('Is 1,000 a big number', 'Is 1000 a big number');
    expectNoConflict('twenty five ideas for a party', '25 ideas for a party');
    expectNoConflict('a budget of 2 million dollars', 'a budget of 2,000,000 dollars');
    expectNoConflict('How can one learn to code?', 'How does one learn to code?');
    expectNoConflict('How to learn to code?', 'How can I learn to code?');
    expectNoConflict('Is version 1.0 stable?', 'Is version 1 stable?');
  });

  it('"on" and "in" as plain prepositions', () => {
    expectNoConflict('How do I install Python on Windows?', 'How can I install Python on a Windows PC?');
    expectNoConflict('What should I focus on in my first job?', 'What to focus on in my first job');
  });

  it('the same route said in another order', () => {
    expectNoConflict('cheapest flights from London to Paris', 'cheapest flights to Paris from London');
    expectNoConflict('How do I move from Windows to Linux?', 'How do I switch to Linux from Windows?');
    expectNoConflict('Python vs Java for beginners', 'Java vs Python for beginners');
    expectNoConflict('Should I learn French and German?', 'Should I learn German and French?');
    expectNoConflict('What is the difference between real gas and ideal gas?', 'What is the difference between an ideal gas and a real gas?');
  });

  it('decoration, case and punctuation', () => {
    expectNoConflict('What is **Kubernetes**?', 'what is kubernetes');
    expectNoConflict('Explain `git rebase`, please!', 'Explain git rebase please');
    expectNoConflict('What is the purpose of life ?', 'What is the purpose of life?');
    expectNoConflict('In JavaScript, what does a = b return?', 'In JavaScript, what does a=b return?');
  });
});
