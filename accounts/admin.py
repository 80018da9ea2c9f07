from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from web.text import CleanTextMixin, CleanTextModelForm

from .forms import EMAIL_TAKEN, email_in_use, normalize_email
from .models import Profile


class ProfileInline(admin.StackedInline):
    form = CleanTextModelForm
    model = Profile
    can_delete = False
    fields = ["display_name", "bio", "email_notifications"]


User = get_user_model()
admin.site.unregister(User)


class UniqueEmailMixin:
    """The admin's user forms refuse an address another account has (any case), with the
    same words as sign-up, instead of failing on the database's unique index."""

    def clean_email(self):
        email = normalize_email(self.cleaned_data.get("email") or "")
        if email and email_in_use(email, exclude_user=self.instance if self.instance.pk else None):
            raise forms.ValidationError(EMAIL_TAKEN, code="email_taken")
        return email


class AgoraUserChangeForm(CleanTextMixin, UniqueEmailMixin, UserChangeForm):
    pass


class AgoraUserCreationForm(CleanTextMixin, UniqueEmailMixin, AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        fields = ("username", "email")


@admin.register(User)
class AgoraUserAdmin(UserAdmin):
    form = AgoraUserChangeForm
    add_form = AgoraUserCreationForm
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "email", "usable_password", "password1", "password2"),
            },
        ),
    )
    inlines = [ProfileInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is not Profile:
            return super().save_formset(request, form, formset, change)
        # Pages show bio_html, so an edited bio is rendered (and sanitized) here too.
        for profile in formset.save(commit=False):
            profile.set_bio(profile.bio)
            profile.save()
        formset.save_m2m()
