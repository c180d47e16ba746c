"""This project's behavioural test suite for the movie domain (Ribeiro et al. 2020's method).

`suite.build` makes the tests from word lists, templates and real training sentences;
`run.run` scores them with any texts -> P(positive) callable; `report` writes the figures.
"""
