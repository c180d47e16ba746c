"""Keras -> TFLite: the inference helpers, the int8 export and its manifest, the stored evidence."""
