"""Did-you-mean over this engine: the contract's suggest_words()."""


def suggest_words(reader, word, limit):
    raise NotImplementedError
