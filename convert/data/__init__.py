"""The dataset: the IMDb archive, the labelled sentences, splits, spans and word lists."""
