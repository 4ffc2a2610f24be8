from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    """The tenant's front page; events and shifts join it with the marketplace issue."""
    return render(request, "marketplace/home.html")
