from rest_framework import serializers

from ..models import OrgUnit


class OrgUnitSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = OrgUnit
        fields = ["code", "name_zh", "name_en", "level", "parent", "path", "is_active"]
