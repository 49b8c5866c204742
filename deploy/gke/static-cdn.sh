#!/bin/sh
# Put a build's dist/static/ in a Cloud Storage bucket served by Cloud CDN, for
# DASH_ASSET_URL=https://static.example.com/app/ (docs/deploy.md). Run after `npx dash build`:
#   sh deploy/gke/static-cdn.sh BUCKET
# Files are named by their content's hash, so uploads never replace anything a page still uses.
set -eu
bucket=$1
gcloud storage buckets describe "gs://$bucket" >/dev/null 2>&1 ||
  gcloud storage buckets create "gs://$bucket" --uniform-bucket-level-access
gcloud storage buckets add-iam-policy-binding "gs://$bucket" --member=allUsers --role=roles/storage.objectViewer
# Module scripts from another origin need CORS.
gcloud storage buckets update "gs://$bucket" --cors-file="$(dirname "$0")/static-cors.json"
gcloud storage cp dist/static/*.js dist/static/*.css "gs://$bucket/app/" \
  --cache-control="public, max-age=31536000, immutable"
# Cloud CDN in front of the bucket; it compresses (brotli, gzip) for browsers that accept it.
gcloud compute backend-buckets describe dash-static >/dev/null 2>&1 ||
  gcloud compute backend-buckets create dash-static --gcs-bucket-name="$bucket" \
    --enable-cdn --cache-mode=USE_ORIGIN_HEADERS --compression-mode=AUTOMATIC
