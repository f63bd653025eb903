"""Comments made through the real service (`comment_add`): audited, mentions notified.

CommentFactory(subject=incident)                      # by teller_bj_hd
CommentFactory(subject=incident, author="monitor_bj", body="@teller_bj_hd 请补充")
"""

from __future__ import annotations

from typing import Any

import factory

from comments.models import Comment
from comments.services import comment_add
from fraudops.core.actors import Actor
from fraudops.core.models import User
from incidents.tests.factories import IncidentFactory


def _actor(author: Any) -> Actor:
    if isinstance(author, Actor):
        return author
    if isinstance(author, str):
        author = User.objects.select_related("unit").get(username=author)
    return Actor.for_user(author)


class CommentFactory(factory.Factory):
    class Meta:
        model = Comment

    subject = factory.LazyFunction(IncidentFactory)
    author = "teller_bj_hd"
    body = factory.Sequence(lambda n: f"已联系客户，第{n}次回访。")
    files: tuple[Any, ...] = ()

    @classmethod
    def _create(cls, model_class: type[Comment], **kwargs: Any) -> Comment:
        return comment_add(
            actor=_actor(kwargs["author"]),
            subject=kwargs["subject"],
            body=kwargs["body"],
            files=kwargs.get("files", ()),
        )

    @classmethod
    def _build(cls, model_class: type[Comment], **kwargs: Any) -> Comment:
        raise NotImplementedError("Comments are made through comment_add: use create().")
