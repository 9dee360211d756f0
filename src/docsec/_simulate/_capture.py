"""Capture models: flatbed scanner, phone camera, and the photocopier built on them."""

from __future__ import annotations

import dataclasses
import logging
import math

import cv2
import numpy as np

from docsec._simulate._params import (
    CopierParams,
    PhoneParams,
    PrinterParams,
    ScannerParams,
)
from docsec._simulate._print import PrintedPage, print_impl
from docsec._simulate._util import (
    F32,
    F64,
    MM_PER_INCH,
    NORMAL_LUT,
    UM_PER_INCH,
    check_pixels,
    cv_f32,
    inches_to_pixels,
    lut_noise,
    normal,
    rotation_about,
    to_u8,
    to_u8_consume,
    translation,
)
from docsec._types import Image
from docsec.errors import ConfigurationError
from docsec.imaging import decode_image, encode_image

logger = logging.getLogger(__name__)

_SQRT12 = math.sqrt(12.0)
# ITU-R BT.601 luma weights in B, G, R order (what OpenCV's BGR2GRAY uses).
_LUMA_BGR = (0.114, 0.587, 0.299)


def _luminance(refl: F32) -> F32:
    if refl.ndim == 2:
        return refl
    out = cv_f32(cv2.cvtColor(refl, cv2.COLOR_BGR2GRAY))
    return out


def _unsharp(v: F32, amount: float, sigma: float, scratch: F32 | None = None) -> None:
    """Sharpen in place: v += amount * (v - blur(v)); ``scratch`` may be overwritten."""
    if amount <= 0:
        return
    if scratch is not None and scratch.shape == v.shape:
        blur = cv_f32(cv2.GaussianBlur(v, (0, 0), sigma, dst=scratch))
    else:
        blur = cv_f32(cv2.GaussianBlur(v, (0, 0), sigma))
    np.subtract(v, blur, out=blur)
    blur *= np.float32(amount)
    v += blur


def _jpeg_roundtrip(image: Image, quality: int, dpi: float) -> tuple[Image, bytes]:
    data = encode_image(image, format="JPEG", dpi=dpi, jpeg_quality=quality)
    return decode_image(data, name="simulated JPEG").image, data


def scan_linear(
    printed: PrintedPage,
    sp: ScannerParams,
    rng: np.random.Generator,
    *,
    consume: bool = False,
) -> tuple[F32, F64]:
    """Scan a sheet to float output levels (0..255, before rounding and JPEG).

    Returns the levels, (H, W) grey or (H, W, 3) BGR float32, and the matrix from
    the original page's pixel coordinates to output pixel coordinates. With
    ``consume`` the sheet's reflectance buffer may be overwritten (the caller
    drops the sheet afterwards).
    """
    paper_w, paper_h = printed.paper_size
    w_out = max(round(paper_w * sp.dpi), 1)
    h_out = max(round(paper_h * sp.dpi), 1)
    check_pixels(h_out, w_out, what="the scan")
    refl = printed.reflectance if sp.color else _luminance(printed.reflectance)
    one_channel = refl.ndim == 2
    # Optics and pixel aperture, applied on the (finer) print grid before sampling.
    # A box aperture of one output pixel has the variance of a uniform: p^2 / 12.
    pitch = UM_PER_INCH / printed.dpi
    aperture = UM_PER_INCH / sp.dpi / _SQRT12
    sx = math.hypot(sp.blur_um, aperture) / pitch
    sy = math.hypot(sp.blur_um * sp.blur_ratio_y, aperture) / pitch
    if consume and refl is printed.reflectance:
        blurred = cv_f32(cv2.GaussianBlur(refl, (0, 0), sx, sigmaY=sy, dst=refl))
    else:
        blurred = cv_f32(cv2.GaussianBlur(refl, (0, 0), sx, sigmaY=sy))
    del refl
    # Placement of the sheet on the platen, then sampling at the scan pitch.
    cx, cy = paper_w / 2.0, paper_h / 2.0
    placement = (
        inches_to_pixels(sp.dpi)
        @ translation(sp.offset_mm[0] / MM_PER_INCH, sp.offset_mm[1] / MM_PER_INCH)
        @ rotation_about(sp.skew_deg, cx, cy)
    )
    to_out = placement @ printed.grid_to_paper
    border = printed.paper_white
    flags = cv2.INTER_LINEAR
    if one_channel and not sp.color:
        lin = cv_f32(
            cv2.warpAffine(
                blurred,
                to_out[:2],
                (w_out, h_out),
                flags=flags,
                borderMode=cv2.BORDER_CONSTANT,
                borderValue=(border,),
            )
        )
    else:
        chans: list[F32] = []
        for ch in range(3):
            src = blurred if one_channel else np.ascontiguousarray(blurred[:, :, ch])
            # Sequential R, G, B exposure of CIS sensors shifts the channels in y.
            # Lateral chromatic aberration moves red and blue apart in x.
            shift = translation(
                (ch - 1) * sp.lateral_shift_px, (ch - 1) * sp.channel_shift_px
            )
            warped = cv_f32(
                cv2.warpAffine(
                    src,
                    (shift @ to_out)[:2],
                    (w_out, h_out),
                    flags=flags,
                    borderMode=cv2.BORDER_CONSTANT,
                    borderValue=(border,),
                )
            )
            tint = printed.tint[ch] if one_channel else 1.0
            gain = tint * sp.gains[ch]
            if gain != 1.0:
                warped *= np.float32(gain)
            chans.append(warped)
        lin = cv_f32(cv2.merge(chans))
        del chans
    # Keep the blur buffer as scratch when it has the output's size (same dpi).
    scratch = blurred if blurred.shape == lin.shape else None
    del blurred
    # Illumination: lamp fall-off along the sensor line (x), drift along the scan (y).
    xn = np.linspace(-1.0, 1.0, w_out)
    col = 1.0 - sp.illumination * xn * xn
    yn = np.linspace(0.0, 1.0, h_out)
    phase = rng.uniform(0.0, 2.0 * np.pi)
    row = 1.0 + sp.drift * np.sin(2.0 * np.pi * yn * rng.uniform(0.3, 1.5) + phase)
    # Tone curve: relative reflectance x -> ((x - black) / (white - black)) ** (1/g),
    # times 255. The 255 is folded in as 255 ** g so that one pow does it all.
    span = sp.white - sp.black
    k = 255.0**sp.gamma
    row_gain = (row * (k / (printed.paper_white * span))).astype(np.float32)
    if lin.ndim == 2:
        lin *= row_gain[:, None]
        lin *= col.astype(np.float32)[None, :]
    else:
        lin *= row_gain[:, None, None]
        lin *= col.astype(np.float32)[None, :, None]
    lin -= np.float32(k * sp.black / span)
    np.clip(lin, 0.0, k, out=lin)
    level = cv_f32(cv2.pow(lin, 1.0 / sp.gamma, dst=lin))
    _unsharp(level, sp.sharpen, sigma=1.0, scratch=scratch)
    # Sensor noise, its sigma linear in the output level between the dark and
    # white values: level + z (dark + a level) = level (1 + a z) + dark z, with the
    # same z in both tables.
    raw = np.frombuffer(rng.bytes(level.size), np.uint8)
    slope = (sp.noise_white - sp.noise_dark) / 255.0
    mul = (1.0 + slope * NORMAL_LUT).astype(np.float32)
    add = (sp.noise_dark * NORMAL_LUT).astype(np.float32)
    noise = lut_noise(raw, mul, level.shape, dst=scratch)
    level *= noise
    level += lut_noise(raw, add, level.shape, dst=noise)
    del raw, noise, scratch
    page_to_image = to_out @ printed.page_to_grid
    return level, page_to_image


def scan_impl(
    printed: PrintedPage,
    sp: ScannerParams,
    rng: np.random.Generator,
    *,
    consume: bool = False,
) -> tuple[Image, F64, bytes | None]:
    """Scan a sheet: uint8 image, page-to-image matrix, JPEG bytes if any."""
    level, page_to_image = scan_linear(printed, sp, rng, consume=consume)
    image = to_u8_consume(level)
    del level
    data = None
    if sp.jpeg_quality is not None:
        image, data = _jpeg_roundtrip(image, sp.jpeg_quality, sp.dpi)
    return image, page_to_image, data


# ------------------------------------------------------------------ phone


def _camera_homography(
    printed: PrintedPage, pp: PhoneParams, frame_hw: tuple[int, int]
) -> F64:
    """Pinhole camera: sheet inches -> sensor pixels (x, y)."""
    paper_w, paper_h = printed.paper_size
    ax, ay = pp.aim[0] * paper_w, pp.aim[1] * paper_h
    tx, ty = math.radians(pp.tilt_deg[0]), math.radians(pp.tilt_deg[1])
    rz = math.radians(pp.roll_deg)
    rot_x = np.array(
        [[1, 0, 0], [0, math.cos(tx), -math.sin(tx)], [0, math.sin(tx), math.cos(tx)]]
    )
    rot_y = np.array(
        [[math.cos(ty), 0, math.sin(ty)], [0, 1, 0], [-math.sin(ty), 0, math.cos(ty)]]
    )
    rot_z = np.array(
        [[math.cos(rz), -math.sin(rz), 0], [math.sin(rz), math.cos(rz), 0], [0, 0, 1]]
    )
    rot = rot_z @ rot_y @ rot_x
    distance = pp.focal_px / pp.ppi  # inches: the aim point is seen at ppi
    h, w = frame_hw
    k = np.array(
        [[pp.focal_px, 0, (w - 1) / 2.0], [0, pp.focal_px, (h - 1) / 2.0], [0, 0, 1.0]]
    )
    ext = np.column_stack([rot[:, 0], rot[:, 1], [0.0, 0.0, distance]])
    hom: F64 = k @ ext @ translation(-ax, -ay)
    corners = np.array(
        [[0, 0, 1], [paper_w, 0, 1], [0, paper_h, 1], [paper_w, paper_h, 1]]
    )
    depth = (ext @ translation(-ax, -ay) @ corners.T)[2]
    if np.any(depth <= 0.05 * distance):
        raise ConfigurationError(
            "the phone is too close or too tilted: part of the page is behind the camera"
        )
    return hom


def _local_ppi(hom: F64, x: float, y: float) -> float:
    """Geometric-mean sampling (pixels per inch) of a homography at sheet point (x, y)."""
    eps = 1e-3
    pts = np.array([[x, y, 1.0], [x + eps, y, 1.0], [x, y + eps, 1.0]]).T
    img = hom @ pts
    img = img[:2] / img[2]
    jac = np.column_stack([img[:, 1] - img[:, 0], img[:, 2] - img[:, 0]]) / eps
    return math.sqrt(abs(float(np.linalg.det(jac))))


def _max_ppi(hom: F64, paper_w: float, paper_h: float) -> float:
    best = 0.0
    for x in (0.0, paper_w):
        for y in (0.0, paper_h):
            eps = 1e-3
            pts = np.array([[x, y, 1.0], [x + eps, y, 1.0], [x, y + eps, 1.0]]).T
            img = hom @ pts
            img = img[:2] / img[2]
            best = max(
                best,
                float(np.hypot(*(img[:, 1] - img[:, 0]))) / eps,
                float(np.hypot(*(img[:, 2] - img[:, 0]))) / eps,
            )
    return best


def _blur_kernel(defocus: float, motion: float, angle_deg: float) -> F32 | None:
    """Defocus disc (radius ``defocus``) convolved with a motion line (length ``motion``)."""
    if defocus < 0.3 and motion < 0.5:
        return None
    ss = 8  # supersampling for anti-aliased shapes
    half = math.ceil(defocus + motion / 2.0) + 1
    n = 2 * half + 1
    coords = (np.arange(n * ss) + 0.5) / ss - n / 2.0
    yy, xx = np.meshgrid(coords, coords, indexing="ij")
    if defocus >= 0.3:
        disc = (xx * xx + yy * yy <= defocus * defocus).astype(np.float32)
    else:
        disc = np.zeros_like(xx, dtype=np.float32)
        disc[(n * ss) // 2, (n * ss) // 2] = 1.0
    kern = cv_f32(cv2.resize(disc, (n, n), interpolation=cv2.INTER_AREA))
    if motion >= 0.5:
        line = np.zeros((n, n), np.float32)
        t = math.radians(angle_deg)
        steps = max(int(motion * 4), 2)
        for s in np.linspace(-motion / 2.0, motion / 2.0, steps):
            x, y = half + s * math.cos(t), half + s * math.sin(t)
            x0, y0 = math.floor(x), math.floor(y)
            fx, fy = x - x0, y - y0
            line[y0, x0] += (1 - fx) * (1 - fy)
            line[y0, x0 + 1] += fx * (1 - fy)
            line[y0 + 1, x0] += (1 - fx) * fy
            line[y0 + 1, x0 + 1] += fx * fy
        kern = cv_f32(
            cv2.filter2D(kern, -1, line / line.sum(), borderType=cv2.BORDER_CONSTANT)
        )
    kern /= kern.sum()
    out: F32 = kern.astype(np.float32)
    return out


def photo_impl(
    printed: PrintedPage, pp: PhoneParams, rng: np.random.Generator
) -> tuple[Image, F64, bytes, float]:
    """Photograph a sheet: BGR image, page-to-image matrix, JPEG bytes, ppi at the aim."""
    paper_w, paper_h = printed.paper_size
    long_side, short_side = pp.frame
    frame_hw = (
        (long_side, short_side) if paper_h >= paper_w else (short_side, long_side)
    )
    hom = _camera_homography(printed, pp, frame_hw)
    ppi_aim = _local_ppi(hom, pp.aim[0] * paper_w, pp.aim[1] * paper_h)
    # Area-resample the sheet to the finest sampling the camera needs anywhere on
    # it, so the perspective warp never minifies (no aliasing).
    ppi_max = _max_ppi(hom, paper_w, paper_h)
    refl = printed.reflectance
    grid_to_paper = printed.grid_to_paper
    if ppi_max < printed.dpi:
        h, w = refl.shape[:2]
        f = ppi_max / printed.dpi
        nh, nw = max(round(h * f), 1), max(round(w * f), 1)
        refl = cv_f32(cv2.resize(refl, (nw, nh), interpolation=cv2.INTER_AREA))
        down = np.array(
            [
                [w / nw, 0, 0.5 * w / nw - 0.5],
                [0, h / nh, 0.5 * h / nh - 0.5],
                [0, 0, 1.0],
            ]
        )
        grid_to_paper = grid_to_paper @ down
        grid_dpi = printed.dpi * f
    else:
        grid_dpi = printed.dpi
    lens = pp.lens_sigma_px * grid_dpi / ppi_aim
    if lens > 0.05:
        refl = cv_f32(cv2.GaussianBlur(refl, (0, 0), lens))
    to_frame = hom @ grid_to_paper
    fh, fw = frame_hw
    check_pixels(fh, fw, what="the phone frame")
    sheet = cv2.warpPerspective(
        refl,
        to_frame,
        (fw, fh),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=(0.0, 0.0, 0.0),
    )
    cover = cv2.warpPerspective(
        np.ones(refl.shape[:2], np.float32),
        to_frame,
        (fw, fh),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=(0.0,),
    )
    del refl
    kern = _blur_kernel(pp.defocus_px, pp.motion_px, pp.motion_angle_deg)
    if kern is not None:
        sheet = cv2.filter2D(sheet, -1, kern, borderType=cv2.BORDER_REPLICATE)
        cover = cv2.filter2D(cover, -1, kern, borderType=cv2.BORDER_REPLICATE)
    # Light: a linear gradient across the frame and radial vignetting.
    xn = np.linspace(-1.0, 1.0, fw, dtype=np.float32)[None, :]
    yn = np.linspace(-1.0, 1.0, fh, dtype=np.float32)[:, None] * np.float32(fh / fw)
    a = math.radians(pp.light_angle_deg)
    light = 1.0 + np.float32(pp.light_gradient / 2.0) * (
        np.float32(math.cos(a)) * xn + np.float32(math.sin(a)) * yn
    )
    r2_max = 1.0 + (fh / fw) ** 2
    light *= 1.0 - np.float32(pp.vignetting / r2_max) * (xn * xn + yn * yn)
    light *= np.float32(pp.exposure / printed.paper_white)
    bg_cover = 1.0 - cover
    del cover
    levels: list[F32] = []
    for ch in range(3):
        src = sheet if sheet.ndim == 2 else sheet[:, :, ch]
        tint = printed.tint[ch] if sheet.ndim == 2 else 1.0
        lin = src * np.float32(tint)
        lin += bg_cover * np.float32(pp.background[ch] * printed.paper_white)
        lin *= light
        lin *= np.float32(pp.wb[ch])
        # Shot + read noise in the linear sensor signal.
        sd = np.maximum(lin, 0.0) * np.float32(pp.noise_shot)
        sd += np.float32(pp.noise_read**2)
        sd = cv2.sqrt(sd)
        sd *= normal(rng, lin.shape)
        lin += sd
        del sd
        np.clip(lin, 0.0, 1.0, out=lin)
        level = cv_f32(cv2.pow(lin, 1.0 / pp.gamma))
        level *= np.float32(255.0)
        _unsharp(level, pp.sharpen, sigma=1.0)
        levels.append(level)
    del sheet, bg_cover, light
    image = to_u8(cv_f32(cv2.merge(levels)))
    del levels
    image, data = _jpeg_roundtrip(image, pp.jpeg_quality, ppi_aim)
    # OpenCV's forward map; page_to_grid carries the original page's coordinates.
    page_to_image = hom @ printed.grid_to_paper @ printed.page_to_grid
    return image, page_to_image, data, ppi_aim


# ------------------------------------------------------------------ copier


def _composite_printer(cp: CopierParams) -> PrinterParams:
    """Return the colour copier's engine: composite black, misregistered planes.

    ``CopierParams.sample`` draws these into the printer; a hand-built colour
    copier whose printer is still K-only gets composite black with 25 % K and the
    three planes ``misregistration_dots`` from K, 120 degrees apart.
    """
    p = cp.printer
    if p.under_colour > 0.0 or p.black_fraction < 1.0:
        return p
    offsets: list[float] = []
    for i in range(3):
        a = math.radians(cp.misregistration_angle_deg + 120.0 * i)
        offsets += [
            cp.misregistration_dots * math.cos(a),
            cp.misregistration_dots * math.sin(a),
        ]
    return dataclasses.replace(
        p,
        black_fraction=0.25,
        under_colour=1.0,
        plane_offsets_dots=p.plane_offsets_dots or tuple(offsets),
    )


def copy_impl(
    printed: PrintedPage,
    cp: CopierParams,
    rng: np.random.Generator,
    *,
    consume: bool = False,
) -> PrintedPage:
    """Photocopy a sheet: copier scan, copier image processing, copier print."""
    colour = cp.mode == "color" and not cp.binarize
    sp = cp.scanner
    if colour and not sp.color:
        sp = dataclasses.replace(sp, color=True)
    level, page_to_scan = scan_linear(printed, sp, rng, consume=consume)
    if level.ndim == 3 and not colour:
        level = cv_f32(cv2.cvtColor(level, cv2.COLOR_BGR2GRAY))
    # Copiers work on 8-bit data internally.
    x = to_u8(level).astype(np.float32)
    del level
    x *= np.float32(1.0 / 255.0)
    px_per_600 = cp.scanner.dpi / 600.0
    if cp.descreen_sigma_px > 0:
        x = cv_f32(cv2.GaussianBlur(x, (0, 0), cp.descreen_sigma_px * px_per_600))
    _unsharp(x, cp.sharpen, sigma=1.0 * px_per_600)
    x -= np.float32(cp.black)
    x *= np.float32(1.0 / (cp.white - cp.black))
    printer = cp.printer
    if cp.binarize:
        # A careful counterfeiter restores the binary pattern: after sharpening,
        # threshold at the local mean (a 1 mm window), which keeps the black
        # fraction of dot patterns despite the original's dot gain; clamped so
        # that blank paper stays white and solids stay black.
        local = cv_f32(cv2.GaussianBlur(x, (0, 0), cp.scanner.dpi / MM_PER_INCH))
        np.clip(local, 0.25, 0.75, out=local)
        out = np.where(x < local, np.uint8(0), np.uint8(255)).astype(np.uint8)
    else:
        np.clip(x, 0.0, 1.0, out=x)
        if cp.gamma != 1.0:
            x = cv_f32(cv2.pow(x, cp.gamma))
        if colour:
            printer = _composite_printer(cp)
        x *= np.float32(255.0)
        out = to_u8(x)
    del x
    oversample = max(1, round(printed.dpi / cp.printer.dpi))
    history = dict(printed.params)
    history["copier"] = cp
    return print_impl(
        out,
        cp.scanner.dpi,
        printer,
        rng,
        oversample=oversample,
        page_to_source=page_to_scan,
        history=history,
    )
