"""Statistics over a meter's series: `crunch` is pure Python, `smooth` is numpy (releases the
GIL), and `Detector.flag` is a method used as a task by an instance made in pipeline.py."""
import numpy as np


def crunch(values):
    mean = sum(values) / len(values)
    variance = sum((v - mean) ** 2 for v in values) / len(values)
    return mean, variance


def smooth(values, window=24):
    kernel = np.ones(window) / window
    return np.convolve(np.asarray(values), kernel, mode="same")


class Detector:
    def __init__(self, threshold):
        self.threshold = threshold

    def flag(self, values):
        flagged = []
        for i in range(1, len(values)):
            if abs(values[i] - values[i - 1]) > self.threshold:
                flagged.append(i)
        return flagged
