"""How the facts-after-filing endpoints are described in the OpenAPI document."""

from drf_spectacular.openapi import AutoSchema


class ExplicitBodySchema(AutoSchema):
    """A PATCH whose serializer already says which fields are optional (spectacular's
    partial copy would also drop `expected_revision` from the required fields), and a
    DELETE that carries a body (the reason for removal): both are described with their
    request body exactly as declared."""

    def _get_request_body(self, direction="request"):
        method = self.method
        if method not in ("PATCH", "DELETE"):
            return super()._get_request_body(direction)
        self.method = "PUT"  # described as declared: not partial, body allowed
        try:
            return super()._get_request_body(direction)
        finally:
            self.method = method
