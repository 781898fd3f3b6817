"""Shapes of the statement suggestions endpoint."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from portfolio.suggestions.services.suggestions import ItemSuggestions


class ModelOut(serializers.Serializer[Any]):
    name = serializers.CharField()
    version = serializers.CharField()


class SuggestedOutcomeOut(serializers.Serializer[Any]):
    code = serializers.CharField()
    title = serializers.CharField()
    option = serializers.CharField(allow_null=True, help_text="the option's title; null for a core AO")


class SuggestionOut(serializers.Serializer[Any]):
    rank = serializers.IntegerField(help_text="1 is the best match")
    score = serializers.FloatField(help_text="cosine similarity of the item's text and the statement, -1 to 1")
    statement = serializers.CharField(help_text="the statement's code, e.g. K8")
    kind = serializers.CharField(help_text="K (knowledge) or S (skill); behaviours are never suggested")
    text = serializers.CharField()
    outcome = SuggestedOutcomeOut(help_text="the AO of the apprentice's route the statement belongs to")
    covered = serializers.BooleanField(help_text="the apprentice has already covered this statement")
    tagged = serializers.BooleanField(help_text="this item is already tagged to it")
    model = serializers.CharField(help_text="the model that made the suggestion")
    model_version = serializers.CharField()


class SuggestionsOut(serializers.Serializer[Any]):
    enabled = serializers.BooleanField(help_text="false when the provider turned statement suggestions off")
    model = ModelOut(allow_null=True)
    computed_at = serializers.DateTimeField(allow_null=True)
    suggestions = SuggestionOut(many=True)


def suggestions_out(result: ItemSuggestions) -> dict[str, Any]:
    return SuggestionsOut(
        {
            "enabled": result.enabled,
            "model": {"name": result.model.name, "version": result.model.version} if result.model else None,
            "computed_at": result.computed_at,
            "suggestions": [
                {
                    "rank": s.rank,
                    "score": s.score,
                    "statement": s.statement.code,
                    "kind": s.statement.kind,
                    "text": s.statement.text,
                    "outcome": {
                        "code": s.outcome.code,
                        "title": s.outcome.title,
                        "option": s.outcome.option.title if s.outcome.option else None,
                    },
                    "covered": s.statement.code in result.covered,
                    "tagged": s.statement.code in result.tagged,
                    "model": s.model_name,
                    "model_version": s.model_version,
                }
                for s in result.suggestions
            ],
        }
    ).data
