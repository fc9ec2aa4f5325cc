"""The API's answer to OPTIONS (DRF's, made safe for every view)."""

from rest_framework.metadata import SimpleMetadata


class Metadata(SimpleMetadata):
    """DRF's answer to OPTIONS, describing a view's input only where it declares one
    serializer: viewsets that pick a serializer per action (the cart's lines) answer
    without `actions` rather than failing."""

    def determine_actions(self, request, view):
        from rest_framework.generics import GenericAPIView  # imported by rest_framework.views

        declared = getattr(view, "serializer_class", None) is not None or (
            type(view).get_serializer_class is not GenericAPIView.get_serializer_class
        )
        return super().determine_actions(request, view) if declared else {}
