from .checked_image_loading import LoadImageChecked

__all__ = ['LoadImageChecked']
