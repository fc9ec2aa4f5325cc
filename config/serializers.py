"""Serializer fields held to the schema they publish."""

from django.db import models
from rest_framework import serializers


class TextField(serializers.CharField):
    """A JSON string and nothing else. DRF's CharField also takes a number or a boolean-ish
    value and stores its text ("name": 0 becomes "0"), which the schema (type: string) does
    not offer: that is a 400 naming the field."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


# DRF's ModelSerializer, with a model's text fields read as TextField. (No docstring:
# drf-spectacular would print it as the description of every serializer built on it.)
class ModelSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: TextField,
        models.TextField: TextField,
    }
